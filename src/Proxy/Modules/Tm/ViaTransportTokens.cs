using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>The transport token of a Via sent-protocol (RFC 3261 section 18.2.1) for each listener kind.</summary>
internal static class ViaTransportTokens
{
    private static readonly byte[] Udp = "UDP"u8.ToArray();
    private static readonly byte[] Tcp = "TCP"u8.ToArray();

    public static byte[] Of(SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => Udp,
        SipTransportKind.Tcp => Tcp,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
