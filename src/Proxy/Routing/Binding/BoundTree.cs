using System.Net;
using System.Text.RegularExpressions;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

// The bound tree: the syntax tree with every name resolved and every literal
// converted (regexes compiled, strings encoded, addresses parsed). The compiler
// turns it into delegates without looking anything up.

public sealed record BoundScript(
    ScriptSettings Settings,
    IReadOnlyDictionary<string, ModuleSettings> Modules,
    IReadOnlyList<BoundRoute> Routes);

public sealed record BoundRoute(RouteKind Kind, int Number, BoundBlock Body, SourceSpan Span);

public abstract record BoundStatement(SourceSpan Span);

public sealed record BoundBlock(IReadOnlyList<BoundStatement> Statements, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundIf(BoundCondition Condition, BoundStatement Then, BoundStatement? Else, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundCall(ModuleFunction Function, FunctionBinding Binding, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundRouteCall(int Number, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundBreak(bool IsDrop, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundReturn(int Value, SourceSpan Span) : BoundStatement(Span);

public sealed record BoundExit(SourceSpan Span) : BoundStatement(Span);

public abstract record BoundCondition(SourceSpan Span);

public sealed record BoundNot(BoundCondition Operand, SourceSpan Span) : BoundCondition(Span);

public sealed record BoundLogical(bool IsAnd, BoundCondition Left, BoundCondition Right, SourceSpan Span) : BoundCondition(Span);

public sealed record BoundCallCondition(BoundCall Call, SourceSpan Span) : BoundCondition(Span);

/// <summary>
/// A comparison with its right side prepared: <see cref="Text"/> holds an encoded
/// string, <see cref="Pattern"/> a compiled regex, <see cref="Address"/> and
/// <see cref="MaskBits"/> a network, <see cref="Number"/> an integer.
/// </summary>
public sealed record BoundComparison(
    Operand Operand,
    ComparisonOperator Operator,
    ValueKind ValueKind,
    byte[] Text,
    long Number,
    Regex? Pattern,
    IPAddress? Address,
    int MaskBits,
    SourceSpan Span) : BoundCondition(Span);
