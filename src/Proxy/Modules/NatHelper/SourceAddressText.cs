using System.Globalization;
using System.Net;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>The packet's source written as a URI host[:port]: IPv4 in place, IPv6 in brackets.</summary>
public static class SourceAddressText
{
    /// <summary>Room for "[" + the longest IPv6 text + "]:" + 5 port digits.</summary>
    public const int MaxLength = 1 + 45 + 2 + 5;

    /// <returns>Bytes written: "ip:port" (or "[ipv6]:port"), or only the address when <paramref name="withPort"/> is false.</returns>
    public static int Format(in ReceiveInfo received, Span<byte> destination, bool withPort = true, bool bracketIpv6 = true)
    {
        ReadOnlySpan<byte> address = NatDetector.SourceAddress(received);
        int written = 0;
        if (address.Length == 4)
        {
            for (int i = 0; i < 4; i++)
            {
                if (i > 0)
                {
                    destination[written++] = (byte)'.';
                }

                address[i].TryFormat(destination[written..], out int digits, default, CultureInfo.InvariantCulture);
                written += digits;
            }
        }
        else
        {
            if (bracketIpv6)
            {
                destination[written++] = (byte)'[';
            }

            new IPAddress(address).TryFormat(destination[written..], out int length);
            written += length;
            if (bracketIpv6)
            {
                destination[written++] = (byte)']';
            }
        }

        if (withPort)
        {
            destination[written++] = (byte)':';
            received.SourcePort.TryFormat(destination[written..], out int digits, default, CultureInfo.InvariantCulture);
            written += digits;
        }

        return written;
    }
}
