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

    public ModuleFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    public ModuleParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
