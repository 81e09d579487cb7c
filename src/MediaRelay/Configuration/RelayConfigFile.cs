namespace NatEdge.MediaRelay.Configuration;

/// <summary>A setting as written, with where it was written (file:line or a command-line flag).</summary>
public sealed record RawSetting(string Name, string Value, string Source);

/// <summary>
/// Reads the relay's INI file (format documented in config/relay.ini): one <c>[relay]</c> section,
/// <c>name = value</c> lines, comments starting with ';' or '#'. Syntax problems become diagnostics.
/// </summary>
public static class RelayConfigFile
{
    public const string Section = "relay";

    public static List<RawSetting> Read(string path, List<ConfigDiagnostic> diagnostics)
    {
        var settings = new List<RawSetting>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new ConfigDiagnostic(path, $"cannot read the configuration file: {e.Message}"));
            return settings;
        }

        string? section = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var source = $"{path}:{i + 1}";
            var line = StripComment(lines[i]).Trim();
            if (line.Length == 0) continue;
            if (line[0] == '[')
            {
                if (line[^1] != ']')
                {
                    diagnostics.Add(new ConfigDiagnostic(source, $"section header '{line}' lacks its closing ']'"));
                    continue;
                }
                section = line[1..^1].Trim();
                if (!section.Equals(Section, StringComparison.OrdinalIgnoreCase))
                    diagnostics.Add(new ConfigDiagnostic(source, $"unknown section [{section}]; the relay reads only [{Section}]"));
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                diagnostics.Add(new ConfigDiagnostic(source, $"expected 'name = value', found '{line}'"));
                continue;
            }
            if (section is null)
            {
                diagnostics.Add(new ConfigDiagnostic(source, $"setting outside a section; put it under [{Section}]"));
                continue;
            }
            settings.Add(new RawSetting(line[..eq].Trim().ToLowerInvariant(), line[(eq + 1)..].Trim(), source));
        }
        return settings;
    }

    private static string StripComment(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith(';') || trimmed.StartsWith('#')) return string.Empty;
        // An inline comment needs whitespace before it, so values such as paths may hold ';' or '#'.
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] is ';' or '#' && char.IsWhiteSpace(line[i - 1])) return line[..i];
        }
        return line;
    }
}
