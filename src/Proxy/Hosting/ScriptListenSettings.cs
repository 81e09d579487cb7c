using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// The four global parameters of a ser.cfg script that decide where the proxy listens:
/// <c>listen=</c> (repeatable), <c>port=</c>, <c>alias=</c> (repeatable) and <c>children=</c>.
/// This reader looks at those lines only, so that <c>run --config</c> listens where the script
/// says before the route-script engine exists; that engine replaces this class and these values
/// then come from its parsed script.
/// </summary>
public sealed record ScriptListenSettings(
    IReadOnlyList<ListenSpec> Listen,
    int? Port,
    IReadOnlyList<string> Aliases,
    int? Children)
{
    public static readonly ScriptListenSettings Empty = new([], null, [], null);

    /// <summary>Reads a script; returns the settings, or every problem found as "file:line: message".</summary>
    public static ScriptListenSettings Read(string path, List<string> errors)
    {
        var text = File.ReadAllText(path);
        var listen = new List<ListenSpec>();
        var aliases = new List<string>();
        int? port = null;
        int? children = null;
        var lineNumber = 0;
        foreach (var rawLine in StripComments(text).Split('\n'))
        {
            lineNumber++;
            if (!TrySplitAssignment(rawLine, out var name, out var value))
            {
                continue;
            }

            switch (name)
            {
                case "listen":
                    if (ListenSpecParser.TryParse(value, out var spec, out var error))
                    {
                        listen.Add(spec);
                    }
                    else
                    {
                        errors.Add($"{path}:{lineNumber}: listen={value}: {error}");
                    }

                    break;
                case "port":
                    port = ReadNumber(path, lineNumber, name, value, 1, 65535, errors) ?? port;
                    break;
                case "children":
                    children = ReadNumber(path, lineNumber, name, value, 1, 1024, errors) ?? children;
                    break;
                case "alias":
                    aliases.Add(value);
                    break;
            }
        }

        return new ScriptListenSettings(listen, port, aliases, children);
    }

    private static int? ReadNumber(string path, int line, string name, string value, int min, int max, List<string> errors)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add($"{path}:{line}: {name}={value}: expected a number from {min} to {max}");
        return null;
    }

    private static bool TrySplitAssignment(string line, out string name, out string value)
    {
        name = value = string.Empty;
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        name = line[..equals].Trim().ToLowerInvariant();
        if (name is not ("listen" or "port" or "alias" or "children"))
        {
            return false;
        }

        value = line[(equals + 1)..].Trim().TrimEnd(';').Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        return true;
    }

    /// <summary>Blanks out '#' and '//' line comments and '/* */' blocks, keeping line breaks so line numbers hold.</summary>
    private static string StripComments(string text)
    {
        var output = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                output.Append(c);
                inString = c != '"' && c != '\n';
                continue;
            }

            if (c == '"')
            {
                inString = true;
                output.Append(c);
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                output.Append('\n');
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var stop = end < 0 ? text.Length : end + 2;
                output.Append('\n', text.AsSpan(i, stop - i).Count('\n'));
                i = stop - 1;
            }
            else
            {
                output.Append(c);
            }
        }

        return output.ToString();
    }
}
