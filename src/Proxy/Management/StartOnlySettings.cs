using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Management;

/// <summary>
/// What a reload cannot change in a running proxy. Sockets, receive loops, the control socket and
/// the state modules build once at start (the location store and its database, nonces, the
/// subscriber, uri and domain tables, the transaction timers, NAT keepalives, the relay dispatcher) keep their start-up
/// values until a restart: a reload reports the differences and applies the rest of the script.
/// Loading or unloading a module changes which of that state exists, so it refuses the reload.
/// </summary>
public static partial class StartOnlySettings
{
    /// <summary>Modules whose every parameter is read once, when their state is built.</summary>
    private static readonly HashSet<string> StateModules = new(StringComparer.Ordinal) { "usrloc", "auth", "auth_db", "uri_db", "domain", "tm" };

    /// <summary>Parameters of other modules read once: the NAT keepalive timer's and the relay dispatcher's listener.</summary>
    private static readonly HashSet<string> StartParameters = new(StringComparer.Ordinal)
    {
        "natping_interval", "natping_method", "ping_nated_only",
        "dispatcher_certificate", "dispatcher_private_key", "dispatcher_ca", "dispatcher_listen", "dispatcher_relay_timeout", "dispatcher_ping_timeout", "dispatcher_relay_recover_interval", "end_expired_calls",
    };

    /// <summary>Why the reload must be refused, or null when the same modules are loaded.</summary>
    public static string? ModuleSetChange(BoundScript running, BoundScript reloaded)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(reloaded);
        var added = reloaded.Modules.Keys.Except(running.Modules.Keys).Order(StringComparer.Ordinal).ToList();
        var removed = running.Modules.Keys.Except(reloaded.Modules.Keys).Order(StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return null;
        }

        var change = string.Join(", ", added.Select(m => "+" + m).Concat(removed.Select(m => "-" + m)));
        return $"the loaded modules changed ({change}); loading or unloading a module needs a restart";
    }

    /// <summary>One line per start-only setting whose value differs: <c>name: running → reloaded</c>.</summary>
    public static IReadOnlyList<string> Differences(BoundScript running, ProxyRunSettings runningSettings, BoundScript reloaded, ProxyRunSettings reloadedSettings)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(runningSettings);
        ArgumentNullException.ThrowIfNull(reloaded);
        ArgumentNullException.ThrowIfNull(reloadedSettings);
        var differences = new List<string>();
        Compare("listen", Listeners(runningSettings), Listeners(reloadedSettings), differences);
        Compare("children", runningSettings.ReceiveLoops.ToString(System.Globalization.CultureInfo.InvariantCulture), reloadedSettings.ReceiveLoops.ToString(System.Globalization.CultureInfo.InvariantCulture), differences);
        Compare("fifo", running.Settings.Fifo ?? "none", reloaded.Settings.Fifo ?? "none", differences);
        foreach (var (name, module) in running.Modules)
        {
            var other = reloaded.Modules[name];
            foreach (var parameter in module.Module.Parameters)
            {
                if (StateModules.Contains(name) || StartParameters.Contains(parameter.Name))
                {
                    if (module.Describe(parameter.Name) != other.Describe(parameter.Name))
                    {
                        differences.Add($"modparam {name} {parameter.Name}: {Shown(module, parameter)} -> {Shown(other, parameter)}");
                    }
                }
            }
        }

        return differences;
    }

    private static string Listeners(ProxyRunSettings settings) =>
        string.Join(' ', settings.Endpoints.Select(e => e.ToString()));

    /// <summary>A database URL's password never reaches a log or a control answer.</summary>
    private static string Shown(ModuleSettings module, ModuleParameter parameter)
    {
        var value = module.Describe(parameter.Name);
        return parameter.IsDbUrl ? Passwords().Replace(value, "$1***@") : value;
    }

    [System.Text.RegularExpressions.GeneratedRegex("(://[^:/@]*:)[^@]*@")]
    private static partial System.Text.RegularExpressions.Regex Passwords();

    private static void Compare(string name, string running, string reloaded, List<string> differences)
    {
        if (!string.Equals(running, reloaded, StringComparison.Ordinal))
        {
            differences.Add($"{name}: {running} -> {reloaded}");
        }
    }
}
