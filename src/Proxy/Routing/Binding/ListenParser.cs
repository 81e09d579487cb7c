using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// The one reader of <c>[proto:]addr[:port]</c>, for the script's <c>listen=</c> and <c>alias=</c>
/// lines and for the run command's <c>--listen</c> and <c>--metrics</c> flags:
/// <c>udp:127.0.0.1:5060</c>, <c>tcp:[::1]:5070</c>, <c>127.0.0.1</c>, <c>[::1]:5060</c>,
/// <c>::1</c> (a bare IPv6 address carries no port), <c>proxy.example.net:5060</c>.
/// Port 0 lets the OS choose. Whether a name or TLS can be bound is the run command's question,
/// not a matter of syntax.
/// </summary>
public static class ListenParser
{
    public static bool TryParse(string text, out ListenAddress listen, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        listen = null!;
        var rest = text.Trim();
        if (rest.Length == 0)
        {
            problem = "the address is empty";
            return false;
        }

        if (!TryTakeTransport(ref rest, out var protocol, out problem))
        {
            return false;
        }

        if (!TryParseHostPort(rest, out var host, out var address, out var port, out problem))
        {
            return false;
        }

        listen = new ListenAddress(protocol, host, address, port);
        return true;
    }

    public static bool TryParseHostPort(string text, out string host, out IPAddress? address, out int? port, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        host = string.Empty;
        address = null;
        port = null;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(text[1..close], out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = close < 0 ? $"'{text}' opens '[' without closing ']'" : "an IPv6 address in brackets is not valid";
                address = null;
                return false;
            }

            host = text[1..close];
            portText = text[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                problem = "expected ':' and a port after ']'";
                return false;
            }
        }
        else if (text.Count(c => c == ':') > 1)
        {
            // A bare IPv6 address: every colon belongs to it, so it cannot carry a port.
            if (!IPAddress.TryParse(text, out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = $"'{text}' is not an IPv6 address; write a port after a bracketed one, e.g. [::1]:5060";
                address = null;
                return false;
            }

            host = text;
            portText = string.Empty;
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[colon..] : string.Empty;
            if (host.Length == 0)
            {
                problem = "the address is empty";
                return false;
            }

            if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
            {
                // IPAddress.TryParse takes "1" or "10.1" as IPv4 shorthands; a listen line means the dotted quad.
                if (!IPAddress.TryParse(host, out address) || host.Count(c => c == '.') != 3)
                {
                    problem = $"'{host}' is not an IPv4 address";
                    address = null;
                    return false;
                }
            }
            else if (!IsHostName(host))
            {
                problem = $"'{host}' is neither an IP address nor a host name";
                return false;
            }
        }

        if (portText.Length > 0)
        {
            if (!int.TryParse(portText.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                problem = $"port '{portText[1..]}' is not a number from 0 to 65535";
                return false;
            }

            port = p;
        }

        problem = string.Empty;
        return true;
    }

    private static bool TryTakeTransport(ref string rest, out TransportProtocol? protocol, out string problem)
    {
        protocol = null;
        problem = string.Empty;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !rest[..colon].All(char.IsAsciiLetter))
        {
            return true;
        }

        var token = rest[..colon];
        protocol = token.ToLowerInvariant() switch
        {
            "udp" => TransportProtocol.Udp,
            "tcp" => TransportProtocol.Tcp,
            "tls" => TransportProtocol.Tls,
            _ => null,
        };
        if (protocol is null)
        {
            // "abcd::1" is an IPv6 address and "proxy:5060" a name with a port, not transports.
            if (token.Length > 4 || token.All(char.IsAsciiHexDigit))
            {
                return true;
            }

            problem = $"unknown transport '{token}' (udp, tcp or tls)";
            return false;
        }

        rest = rest[(colon + 1)..];
        if (rest.Length == 0)
        {
            problem = "the address is empty";
            return false;
        }

        return true;
    }

    /// <summary>RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.</summary>
    private static bool IsHostName(string host) =>
        host.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');
}
