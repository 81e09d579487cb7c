using System.Text.RegularExpressions;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// Finds the <c>db_url</c> modparam in a route script, which is all ctl needs from it. A stand-in
/// until the script engine can load the file; keep any other reading of scripts out of ctl.
/// </summary>
public static partial class ConfigDbUrlReader
{
    /// <returns>The first db_url value set for any module, or null when the script sets none.</returns>
    public static string? Read(string scriptText)
    {
        ArgumentNullException.ThrowIfNull(scriptText);
        foreach (var line in scriptText.Split('\n'))
        {
            var code = StripComment(line);
            var match = DbUrlModparam().Match(code);
            if (match.Success)
            {
                return match.Groups["url"].Value;
            }
        }

        return null;
    }

    /// <summary>A '#' outside double quotes starts a comment (route-script.md §1).</summary>
    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted)
            {
                return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex("""modparam\s*\(\s*"[^"]*"\s*,\s*"db_url"\s*,\s*"(?<url>[^"]*)"\s*\)""", RegexOptions.CultureInvariant)]
    private static partial Regex DbUrlModparam();
}
