namespace NatEdge.Proxy.Modules;

public enum ParameterType
{
    Integer,
    Text,
}

/// <summary>
/// A modparam a module accepts: its type, the default it has when the script does
/// not set it (the SER 0.9 module's own default unless noted), and for integers
/// the accepted range.
/// </summary>
public sealed record ModuleParameter(string Name, ParameterType Type, object Default)
{
    public long Minimum { get; init; } = long.MinValue;

    public long Maximum { get; init; } = long.MaxValue;

    /// <summary>A database URL: checked for a form NatEdge can open.</summary>
    public bool IsDbUrl { get; init; }

    public static ModuleParameter Int(string name, long defaultValue) => new(name, ParameterType.Integer, defaultValue);

    /// <summary>An integer used as a yes/no switch.</summary>
    public static ModuleParameter Switch(string name, long defaultValue) => Int(name, defaultValue) with { Minimum = 0, Maximum = 1 };

    public static ModuleParameter Text(string name, string defaultValue) => new(name, ParameterType.Text, defaultValue);

    /// <summary>SER's compiled-in read-write database URL.</summary>
    public static ModuleParameter DbUrl() => Text("db_url", "mysql://ser:heslo@localhost/ser") with { IsDbUrl = true };
}
