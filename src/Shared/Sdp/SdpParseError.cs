namespace NatEdge.Shared.Sdp;

/// <summary>Why an SDP body could not be indexed for the relay (spec §1.3).</summary>
public enum SdpParseError
{
    None,
    MalformedMediaLine,
    UnsupportedPortCount,
    MissingConnectionAddress,
    MulticastAddress,
    NotIPv4,
    TooManyStreams,
}
