using NatEdge.Shared.Control;

namespace NatEdge.Shared.Sdp;

/// <summary>
/// Offsets of one media section (an m= line and the lines up to the next m= line) in an SDP body.
/// Ranges are relative to the start of the body; absent items have <see cref="SdpRange.None"/>.
/// </summary>
public readonly record struct SdpMediaSection
{
    /// <summary>The m= line including its line ending.</summary>
    public SdpRange MediaLine { get; init; }
    /// <summary>From the m= line to the next m= line (or the end of the body).</summary>
    public SdpRange Block { get; init; }
    public SdpRange MediaType { get; init; }
    /// <summary>The port token without a <c>/1</c> count suffix.</summary>
    public SdpRange Port { get; init; }
    public SdpRange Transport { get; init; }
    /// <summary>Transport starts with RTP or udp (case-insensitive): the relay handles the stream.</summary>
    public bool IsSupported { get; init; }
    /// <summary>Address of the stream's own c= line.</summary>
    public SdpRange ConnectionAddress { get; init; }
    /// <summary>Port of <c>a=rtcp:</c> (RFC 3605).</summary>
    public SdpRange RtcpPort { get; init; }
    /// <summary>Address of <c>a=rtcp:PORT IN IP4 ADDR</c>.</summary>
    public SdpRange RtcpAddress { get; init; }
    /// <summary>First direction attribute in the section, null when there is none.</summary>
    public MediaDirection? Direction { get; init; }
    public bool HasIceAttributes { get; init; }
    public bool HasIceCandidates { get; init; }
    /// <summary>An ICE candidate for component 2 (RTCP) is present.</summary>
    public bool HasRtcpIceCandidate { get; init; }
    /// <summary>Start of the first <c>a=candidate:</c> line, -1 when none.</summary>
    public int FirstCandidateOffset { get; init; }
}
