namespace NatEdge.Proxy.Hosting;

/// <summary>
/// Which route script <c>run</c> loads: the <c>--config</c> file when given; else
/// <c>config/natedge.cfg</c> in the working directory when it exists; else the copy of that
/// default built into the executable. <see cref="Name"/> is what diagnostics and logs call it.
/// </summary>
public sealed record ScriptSource(string Name, string Text)
{
    /// <summary>The script read when no --config is given (DESIGN.md, command-line contract).</summary>
    public const string DefaultConfigPath = "config/natedge.cfg";

    /// <summary>How diagnostics name the built-in copy of the default script.</summary>
    public const string BuiltInName = "(built-in) config/natedge.cfg";

    /// <summary>The script to run, or null with the reason in <paramref name="error"/>.</summary>
    public static ScriptSource? Resolve(string? configPath, out string? error)
    {
        error = null;
        var path = configPath ?? (File.Exists(DefaultConfigPath) ? DefaultConfigPath : null);
        if (path is null)
        {
            return BuiltIn();
        }

        if (!File.Exists(path))
        {
            error = $"--config {path}: no such file";
            return null;
        }

        try
        {
            return new ScriptSource(path, File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"--config {path}: {e.Message}";
            return null;
        }
    }

    public static ScriptSource BuiltIn()
    {
        using var stream = typeof(ScriptSource).Assembly.GetManifestResourceStream("natedge.cfg")
            ?? throw new InvalidOperationException("the default script is missing from the executable");
        using var reader = new StreamReader(stream);
        return new ScriptSource(BuiltInName, reader.ReadToEnd());
    }
}
