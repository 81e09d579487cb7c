namespace NatEdge.Proxy.Routing.Syntax;

/// <summary>Where a piece of script text starts: file name, 1-based line and column.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
