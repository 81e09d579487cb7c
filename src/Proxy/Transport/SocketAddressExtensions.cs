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

    /// <summary>Sets the port of an IPv4 or IPv6 socket address in place.</summary>
    public static void SetPort(SocketAddress address, int port)
    {
        var bytes = address.Buffer.Span;
        bytes[2] = (byte)(port >> 8);
        bytes[3] = (byte)port;
    }

    /// <summary>
    /// Writes the IP of a socket address as text (IPv6 without brackets), as Via received= wants
    /// it (RFC 3261 section 18.2.1). IPv4 is written in place; IPv6 goes through IPAddress.
    /// </summary>
    public static int FormatAddress(SocketAddress address, Span<byte> destination)
    {
        var bytes = address.Buffer.Span;
        if (address.Family == AddressFamily.InterNetwork)
        {
            var written = 0;
            for (var i = 4; i < 8; i++)
            {
                if (i > 4)
                {
                    destination[written++] = (byte)'.';
                }

                bytes[i].TryFormat(destination[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
                written += digits;
            }

            return written;
        }

        var ip = ToIPEndPoint(address).Address;
        ip.ScopeId = 0;
        return ip.TryFormat(destination, out var length) ? length : 0;
    }

    /// <summary>Longest text <see cref="FormatAddress"/> writes (an IPv6 address with an embedded IPv4 tail).</summary>
    public const int MaxAddressTextLength = 45;
}
