using System.Globalization;
using System.Net;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// Checks and applies global parameters (route-script.md section 2): the table of
/// known names, their value types and ranges, and the accept-and-ignore list.
/// </summary>
internal static class GlobalParameterBinder
{
    private static readonly string[] Known =
    [
        "debug", "fork", "log_stderror", "listen", "port", "children", "dns", "rev_dns", "alias", "fifo", "fifo_db_url",
    ];

    /// <summary>Accepted so SER scripts load, but NatEdge does not act on them (logged at start).</summary>
    private static readonly string[] AcceptedAndIgnored =
    [
        "check_via", "syn_branch", "sip_warning", "maxbuffer", "fifo_mode", "user", "group", "chroot", "workdir", "mhomed",
        "disable_tcp", "tcp_children", "advertised_address", "advertised_port", "server_signature",
    ];

    public static void Apply(GlobalParameter parameter, ScriptSettings settings, ScriptDiagnostics diagnostics)
    {
        var value = parameter.Value;
        switch (parameter.Name)
        {
            case "debug":
                if (Integer(parameter, 0, 9, diagnostics) is { } debug)
                {
                    settings.Debug = debug;
                }

                break;
            case "fork":
                if (Boolean(parameter, diagnostics) is { } fork)
                {
                    settings.Fork = fork;
                }

                break;
            case "log_stderror":
                if (Boolean(parameter, diagnostics) is { } stderr)
                {
                    settings.LogToStandardError = stderr;
                }

                break;
            case "dns":
                if (Boolean(parameter, diagnostics) is { } dns)
                {
                    settings.Dns = dns;
                }

                break;
            case "rev_dns":
                if (Boolean(parameter, diagnostics) is { } reverse)
                {
                    settings.ReverseDns = reverse;
                }

                break;
            case "port":
                if (Integer(parameter, 1, 65535, diagnostics) is { } port)
                {
                    settings.Port = port;
                }

                break;
            case "children":
                if (Integer(parameter, 1, 1024, diagnostics) is { } children)
                {
                    settings.Children = children;
                }

                break;
            case "listen":
                if (ListenParser.TryParse(value.Text, out var listen, out var problem))
                {
                    settings.Listen.Add(listen);
                }
                else
                {
                    diagnostics.Error(value.Span, $"bad listen value '{value.Text}': {problem}", "write listen=[udp|tcp|tls:]address[:port], e.g. listen=udp:127.0.0.1:5060");
                }

                break;
            case "alias":
                if (ListenParser.TryParseHostPort(value.Text, out var host, out _, out var aliasPort, out var aliasProblem))
                {
                    settings.Aliases.Add(new HostAlias(host, aliasPort));
                }
                else
                {
                    diagnostics.Error(value.Span, $"bad alias value '{value.Text}': {aliasProblem}", "write alias=host[:port]");
                }

                break;
            case "fifo":
                settings.Fifo = value.Text;
                break;
            case "fifo_db_url":
                if (DbUrlSyntax.Check(value.Text) is { } dbProblem)
                {
                    diagnostics.Error(value.Span, $"bad database URL '{value.Text}': {dbProblem}", DbUrlSyntax.Hint);
                }

                settings.FifoDbUrl = value.Text;
                break;
            default:
                if (Array.IndexOf(AcceptedAndIgnored, parameter.Name) >= 0)
                {
                    settings.Ignored.Add(parameter.Name);
                    break;
                }

                var suggestion = NameSuggestion.Closest(parameter.Name, Known.Concat(AcceptedAndIgnored));
                diagnostics.Error(parameter.Span, $"unknown global parameter '{parameter.Name}'",
                    suggestion is null ? "known parameters: " + string.Join(", ", Known) : $"did you mean '{suggestion}'?");
                break;
        }
    }

    private static int? Integer(GlobalParameter parameter, int min, int max, ScriptDiagnostics diagnostics)
    {
        var text = parameter.Value.Text;
        if (!parameter.Value.Quoted && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        diagnostics.Error(parameter.Value.Span, $"'{parameter.Name}' needs a number from {min} to {max}, not '{text}'");
        return null;
    }

    private static bool? Boolean(GlobalParameter parameter, ScriptDiagnostics diagnostics)
    {
        switch (parameter.Value.Text.ToLowerInvariant())
        {
            case "yes" or "true" or "on" or "enable" or "1":
                return true;
            case "no" or "false" or "off" or "disable" or "0":
                return false;
            default:
                diagnostics.Error(parameter.Value.Span, $"'{parameter.Name}' needs yes or no, not '{parameter.Value.Text}'", "booleans are yes|true|on|enable or no|false|off|disable");
                return null;
        }
    }
}

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

/// <summary>The database URL forms NatEdge understands (DESIGN.md, Storage).</summary>
internal static class DbUrlSyntax
{
    public const string Hint = "write mysql://user:password@host[:port]/database or sqlite:PATH";

    /// <returns>Null when the URL is well formed, else what is wrong.</returns>
    public static string? Check(string url)
    {
        if (url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            return url.Length > "sqlite:".Length ? null : "the SQLite file path is missing";
        }

        if (!url.StartsWith("mysql://", StringComparison.Ordinal))
        {
            return "only mysql:// and sqlite: URLs are supported";
        }

        var rest = url["mysql://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == rest.Length - 1)
        {
            return "the database name is missing";
        }

        var authority = rest[..slash];
        var at = authority.LastIndexOf('@');
        var hostPart = at >= 0 ? authority[(at + 1)..] : authority;
        return hostPart.Length == 0 ? "the host is missing" : null;
    }
}
