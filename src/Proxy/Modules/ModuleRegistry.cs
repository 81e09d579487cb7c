namespace NatEdge.Proxy.Modules;

/// <summary>
/// Module name → built-in module. A SER/Kamailio <c>loadmodule</c> path names a
/// module by its file name: "/usr/local/lib/ser/modules/sl.so" is <c>sl</c>.
/// </summary>
public sealed class ModuleRegistry
{
    private readonly Dictionary<string, ScriptModule> _modules;

    public ModuleRegistry(IEnumerable<ScriptModule> modules)
    {
        _modules = modules.ToDictionary(m => m.Name, StringComparer.Ordinal);
        Core = _modules[NatEdge.Proxy.Modules.Core.CoreModule.Name];
    }

    /// <summary>The catalogue of every module NatEdge knows.</summary>
    public static ModuleRegistry Default { get; } = new(ModuleCatalogue.All());

    /// <summary>The always-loaded core (flags, log, URI actions).</summary>
    public ScriptModule Core { get; }

    public IEnumerable<ScriptModule> Modules => _modules.Values;

    public bool TryGet(string name, out ScriptModule module) => _modules.TryGetValue(name, out module!);

    /// <summary>"/usr/local/lib/ser/modules/sl.so" → "sl"; a bare "sl" stays "sl".</summary>
    public static string ModuleNameFromPath(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.EndsWith(".so", StringComparison.Ordinal) ? name[..^3] : name;
    }
}
