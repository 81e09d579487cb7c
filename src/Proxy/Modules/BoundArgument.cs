using System.Text.RegularExpressions;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Modules;

/// <summary>An argument after binding: the literal and its converted value (integer, compiled regex).</summary>
public sealed record BoundArgument(Literal Literal, ArgumentKind Kind, long Integer, Regex? Pattern)
{
    public string Text => Literal.Text;

    public SourceSpan Span => Literal.Span;
}
