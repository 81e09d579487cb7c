namespace NatEdge.Proxy.Routing.Compilation;

internal abstract class ConditionNode
{
    public abstract ValueTask<Truth> EvaluateAsync(RouteContext context);
}

/// <summary>A condition that never waits (comparisons on the message and the packet).</summary>
internal abstract class SyncConditionNode : ConditionNode
{
    public abstract Truth Evaluate(RouteContext context);

    public sealed override ValueTask<Truth> EvaluateAsync(RouteContext context) => new(Evaluate(context));

    protected static Truth Of(bool value) => value ? Truth.True : Truth.False;
}

/// <summary>'!' flips true and false; a stop or an error passes through unchanged (SER's NOT_OP).</summary>
internal sealed class NotNode(ConditionNode operand) : ConditionNode
{
    public override ValueTask<Truth> EvaluateAsync(RouteContext context)
    {
        var pending = operand.EvaluateAsync(context);
        return pending.IsCompletedSuccessfully ? new(Flip(pending.Result)) : ContinueAsync(pending);
    }

    private static Truth Flip(Truth truth) => truth switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => truth,
    };

    private static async ValueTask<Truth> ContinueAsync(ValueTask<Truth> pending) => Flip(await pending.ConfigureAwait(false));
}

/// <summary>
/// '&amp;&amp;' and '||' with short-circuit; a stop or error on the left ends the
/// evaluation with it, as in SER's eval_expr.
/// </summary>
internal sealed class LogicalNode(bool isAnd, ConditionNode left, ConditionNode right) : ConditionNode
{
    public override ValueTask<Truth> EvaluateAsync(RouteContext context)
    {
        var pending = left.EvaluateAsync(context);
        return pending.IsCompletedSuccessfully ? AfterLeft(pending.Result, context) : ContinueAsync(pending, context);
    }

    private ValueTask<Truth> AfterLeft(Truth truth, RouteContext context)
    {
        var decided = truth is Truth.Stop or Truth.Error || (isAnd ? truth == Truth.False : truth == Truth.True);
        return decided ? new(truth) : right.EvaluateAsync(context);
    }

    private async ValueTask<Truth> ContinueAsync(ValueTask<Truth> pending, RouteContext context) =>
        await AfterLeft(await pending.ConfigureAwait(false), context).ConfigureAwait(false);
}

/// <summary>A function used as a condition: positive true, negative false, 0 stop.</summary>
internal sealed class CallConditionNode(ScriptAction action) : ConditionNode
{
    public override ValueTask<Truth> EvaluateAsync(RouteContext context)
    {
        var pending = action(context);
        return pending.IsCompletedSuccessfully ? new(ToTruth(pending.Result)) : ContinueAsync(pending);
    }

    private static Truth ToTruth(int code) => code > 0 ? Truth.True : code < 0 ? Truth.False : Truth.Stop;

    private static async ValueTask<Truth> ContinueAsync(ValueTask<int> pending) => ToTruth(await pending.ConfigureAwait(false));
}
