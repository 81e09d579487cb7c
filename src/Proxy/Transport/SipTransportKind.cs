namespace NatEdge.Proxy.Transport;

/// <summary>The transports NatEdge listens on. TLS and SCTP are not offered yet.</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
}

public static class SipTransportKindExtensions
{
    /// <summary>The token used in Via headers (RFC 3261 section 18.2.1) and in listen lines.</summary>
    public static string ViaToken(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "UDP",
        SipTransportKind.Tcp => "TCP",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string ListenToken(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "udp",
        SipTransportKind.Tcp => "tcp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
