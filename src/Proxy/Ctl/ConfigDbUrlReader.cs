using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// The database a route script names, as the proxy itself would read it: the script is bound by
/// the route-script engine and the value comes from its settings, first the <c>db_url</c> modparam
/// of usrloc, then of auth_db, then <c>fifo_db_url</c> (the guide's serctl reads that one).
/// </summary>
public static class ConfigDbUrlReader
{
    private static readonly string[] ModulesWithDbUrl = ["usrloc", "auth_db"];

    /// <returns>The URL text, or null when the script names no database.</returns>
    public static string? Read(BoundScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        foreach (var name in ModulesWithDbUrl)
        {
            if (script.Modules.TryGetValue(name, out var module) && module.IsSet("db_url"))
            {
                return module.GetText("db_url");
            }
        }

        return script.Settings.FifoDbUrl;
    }

    /// <summary>Binds the script at <paramref name="path"/> and reads its database URL.</summary>
    public static string? ReadFile(string path, out ScriptDiagnostics diagnostics)
    {
        var bound = ScriptLoader.BindText(File.ReadAllText(path), path, out diagnostics);
        return Read(bound);
    }
}
