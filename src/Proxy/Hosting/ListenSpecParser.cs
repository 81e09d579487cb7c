using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// Reads <c>[proto:]addr[:port]</c>: <c>udp:127.0.0.1:5060</c>, <c>tcp:[::1]:5070</c>,
/// <c>127.0.0.1</c>, <c>[::1]:5060</c>, <c>::1</c> (a bare IPv6 address carries no port).
/// Addresses must be IP literals: a listener binds an address, and a name would make what is
/// bound depend on the resolver at start-up.
/// </summary>
public static class ListenSpecParser
{
    public static bool TryParse(string text, out ListenSpec spec, [NotNullWhen(false)] out string? error)
    {
        spec = default;
        var rest = text.Trim();
        if (rest.Length == 0)
        {
            error = "empty listen address";
            return false;
        }

        if (!TryTakeTransport(ref rest, out var transport, out error))
        {
            return false;
        }

        if (!TrySplitAddress(rest, out var addressText, out var portText, out error))
        {
            return false;
        }

        if (!TryParseAddress(addressText, out var address, out error))
        {
            return false;
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
            {
                error = $"'{portText}' is not a port number (0-65535)";
                return false;
            }

            port = value;
        }

        spec = new ListenSpec(transport, address, port);
        return true;
    }

    private static bool TryTakeTransport(ref string rest, out SipTransportKind? transport, [NotNullWhen(false)] out string? error)
    {
        transport = null;
        error = null;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || rest.StartsWith('['))
        {
            return true;
        }

        var token = rest[..colon];
        if (!token.All(char.IsAsciiLetter))
        {
            // "127.0.0.1:5060" or a bare IPv6 address such as "fe80::1": no transport given.
            return true;
        }

        if (token.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            transport = SipTransportKind.Udp;
        }
        else if (token.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            transport = SipTransportKind.Tcp;
        }
        else if (token.Length <= 4 && !IsHexWord(token))
        {
            error = $"transport '{token}' is not supported; use udp or tcp";
            return false;
        }
        else
        {
            // A bare IPv6 address whose first group is letters only, such as "fe::1" or "abcd::1".
            return true;
        }

        rest = rest[(colon + 1)..];
        return true;
    }

    private static bool IsHexWord(string token) => token.All(char.IsAsciiHexDigit);

    private static bool TrySplitAddress(string rest, out string address, out string? port, [NotNullWhen(false)] out string? error)
    {
        port = null;
        error = null;
        address = rest;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{rest}' opens '[' without closing ']'";
                return false;
            }

            address = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length == 0)
            {
                return true;
            }

            if (after[0] != ':')
            {
                error = $"unexpected '{after}' after ']'";
                return false;
            }

            port = after[1..];
            return true;
        }

        var colons = rest.Count(c => c == ':');
        if (colons == 1)
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            address = rest[..colon];
            port = rest[(colon + 1)..];
        }

        return true;
    }

    private static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address, [NotNullWhen(false)] out string? error)
    {
        error = null;

        // IPAddress.TryParse takes "1" or "10.1" as IPv4 shorthands; a listen line means the dotted quad.
        var looksIPv4 = !text.Contains(':', StringComparison.Ordinal);
        if (!IPAddress.TryParse(text, out address)
            || (looksIPv4 && (address.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)))
        {
            address = null;
            error = text.Length == 0
                ? "missing address"
                : $"'{text}' is not an IP address; listen lines take IPv4 (127.0.0.1) or IPv6 ([::1]) addresses";
            return false;
        }

        return true;
    }
}
