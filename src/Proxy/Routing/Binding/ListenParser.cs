using System.Globalization;
using System.Net;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>Parses listen and alias values: <c>[proto:]addr[:port]</c>, IPv6 in brackets.</summary>
internal static class ListenParser
{
    public static bool TryParse(string text, out ListenAddress listen, out string problem)
    {
        listen = null!;
        TransportProtocol? protocol = null;
        var rest = text;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon].All(char.IsAsciiLetter))
        {
            var name = text[..colon].ToLowerInvariant();
            protocol = name switch
            {
                "udp" => TransportProtocol.Udp,
                "tcp" => TransportProtocol.Tcp,
                "tls" => TransportProtocol.Tls,
                _ => null,
            };
            if (protocol is null)
            {
                problem = $"unknown transport '{text[..colon]}' (udp, tcp or tls)";
                return false;
            }

            rest = text[(colon + 1)..];
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
        host = string.Empty;
        address = null;
        port = null;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(text[1..close], out address))
            {
                problem = "an IPv6 address in brackets is not valid";
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
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                problem = "IPv6 addresses must be written in brackets";
                return false;
            }

            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[colon..] : string.Empty;
            if (host.Length == 0)
            {
                problem = "the address is empty";
                return false;
            }

            if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
            {
                if (!IPAddress.TryParse(host, out address) || host.Count(c => c == '.') != 3)
                {
                    problem = $"'{host}' is not an IPv4 address";
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
            if (!int.TryParse(portText.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                problem = $"port '{portText[1..]}' is not a number from 1 to 65535";
                return false;
            }

            port = p;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.</summary>
    private static bool IsHostName(string host) =>
        host.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');
}
