using System.Net;
using System.Net.Sockets;

namespace NatEdge.Proxy.Transport;

public static class SocketAddressExtensions
{
    private static readonly IPEndPoint V4Template = new(IPAddress.Any, 0);
    private static readonly IPEndPoint V6Template = new(IPAddress.IPv6Any, 0);

    public static IPEndPoint ToIPEndPoint(SocketAddress address)
    {
        var template = address.Family == AddressFamily.InterNetworkV6 ? V6Template : V4Template;
        return (IPEndPoint)template.Create(address);
    }

    /// <summary>Port of an IPv4 or IPv6 socket address, read in place (network byte order at offset 2).</summary>
    public static int Port(SocketAddress address)
    {
        var bytes = address.Buffer.Span;
        return (bytes[2] << 8) | bytes[3];
    }
}
