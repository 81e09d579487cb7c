using System.Net;
using System.Net.Sockets;

namespace NatEdge.Proxy.Routing.Compilation;

public enum TransportProtocol
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>
/// Where the message came from and which local socket took it in (the src_ip,
/// src_port, dst_ip, dst_port, proto and af operands). The source stays the receive
/// loop's <see cref="SocketAddress"/>, read in place (native sockaddr layout: port in
/// network order at offset 2, IPv4 at 4, IPv6 at 8), so routing a packet creates no
/// IPAddress. It must stay unchanged while the script runs for that message.
/// </summary>
public readonly struct ReceiveInfo
{
    private const int PortOffset = 2;
    private const int Ipv4Offset = 4;
    private const int Ipv6Offset = 8;

    public ReceiveInfo(SocketAddress source, IPEndPoint local, TransportProtocol protocol)
    {
        Source = source;
        Local = local;
        Protocol = protocol;
    }

    public SocketAddress Source { get; }

    /// <summary>The listener's bound address and port.</summary>
    public IPEndPoint Local { get; }

    public TransportProtocol Protocol { get; }

    public AddressFamily SourceFamily => Source.Family;

    public int SourcePort
    {
        get
        {
            var bytes = Source.Buffer.Span;
            return (bytes[PortOffset] << 8) | bytes[PortOffset + 1];
        }
    }

    /// <summary>The source IP's bytes (4 or 16).</summary>
    public ReadOnlySpan<byte> SourceAddressBytes =>
        Source.Family == AddressFamily.InterNetworkV6
            ? Source.Buffer.Span.Slice(Ipv6Offset, 16)
            : Source.Buffer.Span.Slice(Ipv4Offset, 4);

    /// <summary>For tests and tools; a receive loop passes its own SocketAddress instead.</summary>
    public static ReceiveInfo From(IPEndPoint source, IPEndPoint local, TransportProtocol protocol) =>
        new(source.Serialize(), local, protocol);
}
