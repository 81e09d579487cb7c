namespace NatEdge.Proxy.Modules;

/// <summary>The modparam values of one loaded module: what the script set, else the declared default.</summary>
public sealed class ModuleSettings
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public ModuleSettings(ScriptModule module)
    {
        Module = module;
        foreach (var parameter in module.Parameters)
        {
            _values[parameter.Name] = parameter.Default;
        }
    }

    public ScriptModule Module { get; }

    public long GetInteger(string name) => (long)_values[name];

    public string GetText(string name) => (string)_values[name];

    internal void Set(string name, object value) => _values[name] = value;
}
