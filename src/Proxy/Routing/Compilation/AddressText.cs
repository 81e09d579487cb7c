using System.Net;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>The text of src_ip or dst_ip for =~; IPv4 is written in place, IPv6 through IPAddress.</summary>
internal static class AddressText
{
    public static int Format(bool source, in ReceiveInfo received, Span<char> destination)
    {
        if (!source)
        {
            return received.Local.Address.TryFormat(destination, out var localLength) ? localLength : 0;
        }

        var bytes = received.SourceAddressBytes;
        if (bytes.Length == 16)
        {
            return new IPAddress(bytes).TryFormat(destination, out var length) ? length : 0;
        }

        var written = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                destination[written++] = '.';
            }

            bytes[i].TryFormat(destination[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
            written += digits;
        }

        return written;
    }
}
