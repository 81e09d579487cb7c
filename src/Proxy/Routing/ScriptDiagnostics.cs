using System.Text;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// One finding about a script: where, what, and (when one is likely) what to do about it.
/// Rendered as <c>file:line:col: error: message</c> with the hint on the next line,
/// the shape compilers and <c>kamailio -c</c> use so editors can jump to it.
/// </summary>
public sealed record ScriptDiagnostic(DiagnosticSeverity Severity, SourceSpan Span, string Message, string? Hint = null)
{
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var text = $"{Span}: {severity}: {Message}";
        return Hint is null ? text : $"{text}\n    hint: {Hint}";
    }
}

/// <summary>
/// Collects every diagnostic of every stage (lexer, parser, binder) so a script
/// author sees all problems at once; the proxy refuses to start if any is an error.
/// </summary>
public sealed class ScriptDiagnostics
{
    private readonly List<ScriptDiagnostic> _items = [];

    public IReadOnlyList<ScriptDiagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceSpan span, string message, string? hint = null) =>
        _items.Add(new ScriptDiagnostic(DiagnosticSeverity.Error, span, message, hint));

    public void Warning(SourceSpan span, string message, string? hint = null) =>
        _items.Add(new ScriptDiagnostic(DiagnosticSeverity.Warning, span, message, hint));

    /// <summary>All diagnostics in source order, one per line (hints on their own lines).</summary>
    public string Render()
    {
        var builder = new StringBuilder();
        foreach (var diagnostic in Sorted())
        {
            builder.Append(diagnostic.ToString()).Append('\n');
        }

        return builder.ToString();
    }

    public IEnumerable<ScriptDiagnostic> Sorted() =>
        _items.Select((d, i) => (d, i))
            .OrderBy(x => x.d.Span.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Span.Line)
            .ThenBy(x => x.d.Span.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d);
}
