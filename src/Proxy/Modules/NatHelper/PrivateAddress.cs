using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// Which addresses sit behind a NAT as far as nat_uac_test and client_nat_test are concerned:
/// RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598 shared address space (100.64/10, carrier-grade NAT),
/// RFC 4193 unique local (fc00::/7) and RFC 4291 link-local (fe80::/10) IPv6. Loopback (127/8, ::1)
/// is not private: a client on the proxy's own host is not NATed.
/// </summary>
public static class PrivateAddress
{
    /// <summary>Longest IP text the parser accepts (IPv6 with an embedded IPv4 and brackets).</summary>
    private const int MaxTextLength = 47;

    /// <param name="address">4 (IPv4) or 16 (IPv6) bytes in network order.</param>
    public static bool IsPrivate(ReadOnlySpan<byte> address)
    {
        if (address.Length == 4)
        {
            return IsPrivateV4(BinaryPrimitives.ReadUInt32BigEndian(address));
        }

        if (address.Length != 16)
        {
            return false;
        }

        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
        if (address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xff && address[11] == 0xff)
        {
            return IsPrivateV4(BinaryPrimitives.ReadUInt32BigEndian(address[12..]));
        }

        return (address[0] & 0xfe) == 0xfc || (address[0] == 0xfe && (address[1] & 0xc0) == 0x80);
    }

    /// <summary>A host as written in a URI, Via or SDP (IPv6 with or without brackets); a name is never private.</summary>
    public static bool IsPrivateHost(ReadOnlySpan<byte> host)
    {
        Span<byte> address = stackalloc byte[16];
        return TryParse(host, address, out int length) && IsPrivate(address[..length]);
    }

    /// <summary>
    /// Parses an IP literal: strict dotted-quad IPv4 (no short or octal forms, which are host names to SIP),
    /// or IPv6 with optional brackets. Writes 4 or 16 bytes.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, Span<byte> destination, out int length)
    {
        length = 0;
        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        if (text.IsEmpty || text.Length > MaxTextLength)
        {
            return false;
        }

        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseV4(text, out uint value))
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32BigEndian(destination, value);
            length = 4;
            return true;
        }

        Span<char> chars = stackalloc char[MaxTextLength];
        int count = Encoding.ASCII.GetChars(text, chars);
        if (!IPAddress.TryParse(chars[..count], out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        return parsed.TryWriteBytes(destination, out length);
    }

    /// <summary>True when both texts name the same IP address (IPv6 spellings compared as addresses).</summary>
    public static bool SameAddress(ReadOnlySpan<byte> host, ReadOnlySpan<byte> address)
    {
        Span<byte> parsed = stackalloc byte[16];
        return TryParse(host, parsed, out int length) && parsed[..length].SequenceEqual(address);
    }

    private static bool IsPrivateV4(uint address) =>
        (address & 0xFF000000) == 0x0A000000 // 10.0.0.0/8
        || (address & 0xFFF00000) == 0xAC100000 // 172.16.0.0/12
        || (address & 0xFFFF0000) == 0xC0A80000 // 192.168.0.0/16
        || (address & 0xFFC00000) == 0x64400000; // 100.64.0.0/10

    private static bool TryParseV4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int octets = 0;
        int current = -1;
        foreach (byte c in text)
        {
            if (c == '.')
            {
                if (current < 0 || octets == 3)
                {
                    return false;
                }

                value = (value << 8) | (uint)current;
                octets++;
                current = -1;
            }
            else if (c is >= (byte)'0' and <= (byte)'9')
            {
                current = current < 0 ? c - '0' : (current * 10) + (c - '0');
                if (current > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (current < 0 || octets != 3)
        {
            return false;
        }

        value = (value << 8) | (uint)current;
        return true;
    }
}
