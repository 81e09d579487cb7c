using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Routing;

/// <summary>The result of loading a script: the runnable script, or null when any error was found.</summary>
public sealed record ScriptLoadResult(CompiledScript? Script, BoundScript Bound, ScriptDiagnostics Diagnostics);

/// <summary>
/// Parse, bind, compile: the one path every user of a script takes (the run
/// command at start-up, the check command, tests), so they all agree on what starts.
/// </summary>
public static class ScriptLoader
{
    public static ScriptLoadResult LoadText(string text, string fileName, ModuleRegistry? registry = null)
    {
        var diagnostics = new ScriptDiagnostics();
        var bound = Binder.Load(text, fileName, registry ?? ModuleRegistry.Default, diagnostics);
        var script = diagnostics.HasErrors ? null : ScriptCompiler.Compile(bound);
        return new ScriptLoadResult(script, bound, diagnostics);
    }

    /// <summary>Parses and binds only: settings and diagnostics, for tools that never run the script.</summary>
    public static BoundScript BindText(string text, string fileName, out ScriptDiagnostics diagnostics, ModuleRegistry? registry = null)
    {
        diagnostics = new ScriptDiagnostics();
        return Binder.Load(text, fileName, registry ?? ModuleRegistry.Default, diagnostics);
    }

    public static ScriptLoadResult LoadFile(string path, ModuleRegistry? registry = null) =>
        LoadText(File.ReadAllText(path), path, registry);
}
