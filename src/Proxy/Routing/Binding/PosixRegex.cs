using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// Compiles the script's POSIX extended regexes (REG_EXTENDED|REG_ICASE, and
/// REG_NEWLINE for textops) into .NET regexes with the non-backtracking engine:
/// matching time is linear in the message length whatever the pattern, so no
/// script can make a message hang the proxy.
/// </summary>
public static class PosixRegex
{
    private static readonly Dictionary<string, string> BracketClasses = new(StringComparer.Ordinal)
    {
        ["[:alpha:]"] = "a-zA-Z",
        ["[:digit:]"] = "0-9",
        ["[:alnum:]"] = "a-zA-Z0-9",
        ["[:upper:]"] = "A-Z",
        ["[:lower:]"] = "a-z",
        ["[:space:]"] = @" \t\r\n\f\v",
        ["[:blank:]"] = @" \t",
        ["[:xdigit:]"] = "0-9a-fA-F",
        ["[:punct:]"] = @"!-/:-@\[-`{-~",
        ["[:print:]"] = @" -~",
        ["[:graph:]"] = @"!-~",
        ["[:cntrl:]"] = @"\x00-\x1f\x7f",
    };

    // Building a non-backtracking matcher costs far more than parsing a script line, and scripts
    // repeat their patterns (check, reloads, tests): compiled regexes are immutable and thread-safe,
    // so each distinct pattern is built once per process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Pattern, bool LineAnchors), Regex> Compiled = new();

    /// <param name="lineAnchors">True for REG_NEWLINE: ^ and $ match at line boundaries.</param>
    public static bool TryCompile(string pattern, bool lineAnchors, out Regex? regex, out string error)
    {
        if (Compiled.TryGetValue((pattern, lineAnchors), out regex))
        {
            error = string.Empty;
            return true;
        }

        if (!TryBuild(pattern, lineAnchors, out regex, out error))
        {
            return false;
        }

        Compiled.TryAdd((pattern, lineAnchors), regex!);
        return true;
    }

    private static bool TryBuild(string pattern, bool lineAnchors, out Regex? regex, out string error)
    {
        regex = null;
        var options = RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        if (lineAnchors)
        {
            options |= RegexOptions.Multiline;
        }

        try
        {
            regex = new Regex(Translate(pattern), options);
            error = string.Empty;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e is RegexParseException parse ? Describe(parse.Error) : e.Message;
            return false;
        }
        catch (NotSupportedException)
        {
            error = "uses a construct (backreference, lookaround) that a linear-time matcher cannot run";
            return false;
        }
    }

    /// <summary>
    /// Rewrites the POSIX-only syntax .NET does not read: named bracket classes, and
    /// backslashes inside brackets (literal in POSIX, escapes in .NET).
    /// </summary>
    private static string Translate(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                builder.Append(c).Append(pattern[i + 1]);
                i += 2;
                continue;
            }

            if (c != '[')
            {
                builder.Append(c);
                i++;
                continue;
            }

            i = TranslateBracket(pattern, i, builder);
        }

        return builder.ToString();
    }

    private static int TranslateBracket(string pattern, int start, StringBuilder builder)
    {
        builder.Append('[');
        var i = start + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            builder.Append('^');
            i++;
        }

        // A ']' first in the list is a literal in POSIX.
        if (i < pattern.Length && pattern[i] == ']')
        {
            builder.Append(@"\]");
            i++;
        }

        while (i < pattern.Length && pattern[i] != ']')
        {
            var named = BracketClasses.Keys.FirstOrDefault(k => string.CompareOrdinal(pattern, i, k, 0, k.Length) == 0);
            if (named is not null)
            {
                builder.Append(BracketClasses[named]);
                i += named.Length;
                continue;
            }

            var c = pattern[i];
            builder.Append(c is '\\' or '[' ? $"\\{c}" : c.ToString());
            i++;
        }

        if (i < pattern.Length)
        {
            builder.Append(']');
            i++;
        }

        return i;
    }

    private static string Describe(RegexParseError error) => error switch
    {
        RegexParseError.InsufficientClosingParentheses => "missing ')'",
        RegexParseError.InsufficientOpeningParentheses => "')' without a matching '('",
        RegexParseError.UnterminatedBracket => "missing ']'",
        RegexParseError.QuantifierAfterNothing => "a quantifier (*, +, ?, {n}) follows nothing",
        RegexParseError.NestedQuantifiersNotParenthesized => "nested quantifiers must be parenthesized",
        RegexParseError.ReversedCharacterRange => "a character range is reversed",
        RegexParseError.ReversedQuantifierRange => "a {n,m} range is reversed",
        RegexParseError.UnescapedEndingBackslash => "ends with a lone backslash",
        _ => $"invalid pattern ({error})",
    };
}
