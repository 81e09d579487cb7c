namespace NatEdge.Proxy.Modules;

/// <summary>
/// A built-in module as the script sees it: the name its <c>loadmodule</c> file maps to,
/// its functions, its parameters, and the modules it cannot work without.
/// </summary>
public sealed record ScriptModule(
    string Name,
    IReadOnlyList<ModuleFunction> Functions,
    IReadOnlyList<ModuleParameter> Parameters,
    IReadOnlyList<string> Requires)
{
    public ScriptModule(string name, IReadOnlyList<ModuleFunction> functions, IReadOnlyList<ModuleParameter> parameters)
        : this(name, functions, parameters, [])
    {
    }

    /// <summary>
    /// Checks the module's modparams together, once all are set (parameters that only make sense in
    /// pairs); run by the binder, so <c>check</c> and <c>run</c> report the same problems. Null when
    /// each parameter stands alone.
    /// </summary>
    public Func<ModuleSettings, IEnumerable<ModuleSettingsProblem>>? CheckSettings { get; init; }

    public ModuleFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    public ModuleParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}

/// <summary>A combination of modparams a module cannot work with, reported at the modparam named.</summary>
public sealed record ModuleSettingsProblem(string Parameter, string Message, string? Hint = null);
