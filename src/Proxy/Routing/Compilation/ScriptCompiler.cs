using System.Net.Sockets;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Turns a bound script into a tree of prepared nodes, once at start-up. Every
/// function call is bound here (its module's Bind step runs and returns the
/// runtime delegate); route() targets become table indexes. Running a message
/// through the result does no parsing and no lookup by name.
/// </summary>
public sealed class ScriptCompiler
{
    private readonly StatementNode?[] _requestRoutes = new StatementNode?[Binder.RouteTableSize];
    private readonly LocalIdentity _myself;

    private ScriptCompiler(LocalIdentity myself)
    {
        _myself = myself;
    }

    /// <summary>Compiles with myself taken from the script's own listen lines (check, tests).</summary>
    public static CompiledScript Compile(BoundScript script) => Compile(script, LocalIdentity.FromSettings(script.Settings));

    /// <summary>Compiles with <paramref name="myself"/>: a running proxy passes the sockets it bound.</summary>
    public static CompiledScript Compile(BoundScript script, LocalIdentity myself)
    {
        ArgumentNullException.ThrowIfNull(script);
        var compiler = new ScriptCompiler(myself);
        var onReply = new StatementNode?[Binder.RouteTableSize];
        var failure = new StatementNode?[Binder.RouteTableSize];
        foreach (var route in script.Routes)
        {
            var table = route.Kind switch
            {
                RouteKind.Request => compiler._requestRoutes,
                RouteKind.OnReply => onReply,
                _ => failure,
            };
            table[route.Number] = compiler.CompileBlock(route.Body);
        }

        return new CompiledScript(script.Settings, script.Modules, compiler._requestRoutes, onReply, failure, compiler._myself);
    }

    private BlockNode CompileBlock(BoundBlock block) => new([.. block.Statements.Select(CompileStatement)]);

    private StatementNode CompileStatement(BoundStatement statement) => statement switch
    {
        BoundBlock block => CompileBlock(block),
        BoundIf conditional => new IfNode(
            CompileCondition(conditional.Condition),
            CompileStatement(conditional.Then),
            conditional.Else is null ? null : CompileStatement(conditional.Else)),
        BoundCall call => new CallNode(call.Function.Bind!(call.Binding with { Myself = _myself })),
        BoundRouteCall routeCall => new RouteCallNode(_requestRoutes, routeCall.Number),
        BoundBreak exit => new BreakNode(exit.IsDrop),
        BoundReturn { Value: 0 } => new ExitNode(),
        BoundReturn ret => new ReturnNode(ret.Value),
        BoundExit => new ExitNode(),
        _ => throw new InvalidOperationException($"bound statement {statement.GetType().Name} has no compilation"),
    };

    private ConditionNode CompileCondition(BoundCondition condition) => condition switch
    {
        BoundNot not => new NotNode(CompileCondition(not.Operand)),
        BoundLogical logical => new LogicalNode(logical.IsAnd, CompileCondition(logical.Left), CompileCondition(logical.Right)),
        BoundCallCondition call => new CallConditionNode(call.Call.Function.Bind!(call.Call.Binding with { Myself = _myself })),
        BoundComparison comparison => CompileComparison(comparison),
        _ => throw new InvalidOperationException($"bound condition {condition.GetType().Name} has no compilation"),
    };

    private SyncConditionNode CompileComparison(BoundComparison comparison)
    {
        var negate = comparison.Operator == ComparisonOperator.NotEqual;
        if (comparison.Operator == ComparisonOperator.Match)
        {
            return new TextMatchNode(comparison.Operand, comparison.Pattern!);
        }

        var source = comparison.Operand == Operand.SourceIp;
        return (comparison.Operand, comparison.ValueKind) switch
        {
            (Operand.SourceIp or Operand.DestinationIp, ValueKind.Myself) => new AddressNode(source, null, 0, _myself, negate),
            (Operand.SourceIp or Operand.DestinationIp, _) => new AddressNode(source, comparison.Address, comparison.MaskBits, null, negate),
            (_, ValueKind.Myself) => new UriIsMyselfNode(comparison.Operand, _myself, negate),
            (Operand.Protocol, _) => new ProtocolNode((TransportProtocol)comparison.Number, negate),
            (Operand.AddressFamily, _) => new AddressFamilyNode(comparison.Number == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, negate),
            (Operand.SourcePort or Operand.DestinationPort or Operand.MessageLength, _) => new NumberNode(comparison.Operand, comparison.Operator, comparison.Number),
            (Operand.Status, ValueKind.Number) => new NumberNode(comparison.Operand, comparison.Operator, comparison.Number),
            _ => new TextEqualsNode(comparison.Operand, comparison.Text, negate),
        };
    }
}
