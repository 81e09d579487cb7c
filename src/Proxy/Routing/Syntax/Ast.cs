namespace NatEdge.Proxy.Routing.Syntax;

// The syntax tree of a ser.cfg script. Every node keeps the SourceSpan of its
// first token so the binder can point at it.

public sealed record ScriptFile(
    string File,
    IReadOnlyList<GlobalParameter> Globals,
    IReadOnlyList<LoadModule> Modules,
    IReadOnlyList<ModuleParameterSetting> ModuleParameters,
    IReadOnlyList<RouteBlock> Routes);

/// <summary><c>name=value</c> at top level (debug, listen, ...).</summary>
public sealed record GlobalParameter(string Name, RawValue Value, SourceSpan Span);

/// <summary><c>loadmodule "path/name.so"</c>.</summary>
public sealed record LoadModule(string Path, SourceSpan Span, SourceSpan PathSpan);

/// <summary><c>modparam("mod1|mod2", "name", value)</c>.</summary>
public sealed record ModuleParameterSetting(string Modules, SourceSpan ModulesSpan, string Name, SourceSpan NameSpan, Literal Value, SourceSpan Span);

/// <summary>Which table a route block belongs to. The flags form is used by modules to say where a function may be called.</summary>
[Flags]
public enum RouteKind
{
    None = 0,
    Request = 1,
    OnReply = 2,
    Failure = 4,
    RequestAndFailure = Request | Failure,
    RequestAndReply = Request | OnReply,
    Any = Request | OnReply | Failure,
}

public sealed record RouteBlock(RouteKind Kind, int Number, Block Body, SourceSpan Span, SourceSpan NumberSpan);

public enum LiteralKind
{
    String,
    Number,
}

/// <summary>A string or integer written in the script.</summary>
public sealed record Literal(LiteralKind Kind, string Text, long Number, SourceSpan Span)
{
    public static Literal FromString(string text, SourceSpan span) => new(LiteralKind.String, text, 0, span);

    public static Literal FromNumber(long value, string text, SourceSpan span) => new(LiteralKind.Number, text, value, span);

    public override string ToString() => Kind == LiteralKind.String ? $"\"{Text}\"" : Text;
}

public abstract record Statement(SourceSpan Span);

public sealed record Block(IReadOnlyList<Statement> Statements, SourceSpan Span) : Statement(Span);

public sealed record IfStatement(Expression Condition, Statement Then, Statement? Else, SourceSpan Span) : Statement(Span);

/// <summary>A module or core function called as a statement.</summary>
public sealed record CallStatement(Call Call) : Statement(Call.Span);

/// <summary><c>route(N)</c>: run route block N and come back.</summary>
public sealed record RouteCallStatement(int Number, SourceSpan Span, SourceSpan NumberSpan) : Statement(Span);

/// <summary><c>break</c> or <c>drop</c> (the same action in SER: return 0).</summary>
public sealed record BreakStatement(bool IsDrop, SourceSpan Span) : Statement(Span);

/// <summary>NatEdge extension: <c>return</c> or <c>return(N)</c> leaves the current route block with N (default 1).</summary>
public sealed record ReturnStatement(int Value, SourceSpan Span) : Statement(Span);

/// <summary>NatEdge extension: <c>exit</c> ends the processing of the message from any depth.</summary>
public sealed record ExitStatement(SourceSpan Span) : Statement(Span);

public sealed record Call(string Name, IReadOnlyList<Literal> Arguments, SourceSpan Span);

public abstract record Expression(SourceSpan Span);

public sealed record NotExpression(Expression Operand, SourceSpan Span) : Expression(Span);

public sealed record LogicalExpression(bool IsAnd, Expression Left, Expression Right, SourceSpan Span) : Expression(Span);

public sealed record CallExpression(Call Call) : Expression(Call.Span);

/// <summary>The core operands of route-script.md section 4.3.</summary>
public enum Operand
{
    Method,
    Uri,
    Status,
    FromUri,
    ToUri,
    SourceIp,
    SourcePort,
    DestinationIp,
    DestinationPort,
    Protocol,
    AddressFamily,
    MessageLength,
}

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Match,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
}

public enum ValueKind
{
    String,
    Number,
    /// <summary>An IPv4 address, with an optional /mask.</summary>
    Address,
    Myself,
    MaxLength,
    /// <summary>A bare word such as udp, tcp, inet, inet6.</summary>
    Word,
}

public sealed record ComparisonValue(ValueKind Kind, string Text, long Number, int? MaskBits, SourceSpan Span);

public sealed record Comparison(Operand Operand, ComparisonOperator Operator, ComparisonValue Value, SourceSpan Span, SourceSpan OperatorSpan) : Expression(Span);
