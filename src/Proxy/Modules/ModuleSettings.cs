namespace NatEdge.Proxy.Modules;

/// <summary>The modparam values of one loaded module: what the script set, else the declared default.</summary>
public sealed class ModuleSettings
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

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

    /// <summary>The value of <paramref name="name"/> as text, for comparing and reporting settings.</summary>
    public string Describe(string name) => Convert.ToString(_values[name], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Whether the script wrote a modparam for it (the value is not the declared default).</summary>
    public bool IsSet(string name) => _written.Contains(name);

    internal void Set(string name, object value)
    {
        _values[name] = value;
        _written.Add(name);
    }
}
