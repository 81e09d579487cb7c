namespace NatEdge.Proxy.Transport;

/// <summary>The transports NatEdge listens on. TLS and SCTP are not offered yet.</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
}

public static class SipTransportKindExtensions
{
    /// <summary>The token of listen lines and logs: udp, tcp.</summary>
    public static string ListenToken(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "udp",
        SipTransportKind.Tcp => "tcp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
