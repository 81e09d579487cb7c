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
                if (DbUrlValue.Check(value.Text, value.Span, diagnostics))
                {
                    settings.FifoDbUrl = value.Text;
                }

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
