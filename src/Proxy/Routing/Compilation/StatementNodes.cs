namespace NatEdge.Proxy.Routing.Compilation;

// Compiled statements. Each returns SER's action code: positive true, negative
// false, zero stop. Every node first tries the synchronous path and only falls
// into an async continuation when a module call is really pending, so a script
// whose functions complete at once allocates nothing.

internal abstract class StatementNode
{
    public abstract ValueTask<int> RunAsync(RouteContext context);
}

/// <summary>A sequence of actions: stops at the first that returns 0 and returns 0; otherwise returns the last code.</summary>
internal sealed class BlockNode(StatementNode[] statements) : StatementNode
{
    /// <summary>What an empty block returns (SER treats it as success).</summary>
    private const int EmptyResult = 1;

    public override ValueTask<int> RunAsync(RouteContext context)
    {
        var result = EmptyResult;
        for (var i = 0; i < statements.Length; i++)
        {
            var pending = statements[i].RunAsync(context);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(pending, i, context);
            }

            result = pending.Result;
            if (result == 0)
            {
                return new ValueTask<int>(0);
            }
        }

        return new ValueTask<int>(result);
    }

    private async ValueTask<int> ContinueAsync(ValueTask<int> pending, int index, RouteContext context)
    {
        var result = await pending.ConfigureAwait(false);
        for (var i = index + 1; result != 0 && i < statements.Length; i++)
        {
            result = await statements[i].RunAsync(context).ConfigureAwait(false);
        }

        return result;
    }
}

/// <summary>
/// if/else as SER's IF_T: a stop from the condition stops the block; a missing
/// branch returns 1 so the block goes on; otherwise the branch's code.
/// </summary>
internal sealed class IfNode(ConditionNode condition, StatementNode then, StatementNode? otherwise) : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context)
    {
        var pending = condition.EvaluateAsync(context);
        return pending.IsCompletedSuccessfully ? Branch(pending.Result, context) : ContinueAsync(pending, context);
    }

    private ValueTask<int> Branch(Truth truth, RouteContext context) => truth switch
    {
        Truth.Stop => new ValueTask<int>(0),
        Truth.True => then.RunAsync(context),
        _ => otherwise?.RunAsync(context) ?? new ValueTask<int>(1),
    };

    private async ValueTask<int> ContinueAsync(ValueTask<Truth> pending, RouteContext context) =>
        await Branch(await pending.ConfigureAwait(false), context).ConfigureAwait(false);
}

internal sealed class CallNode(ScriptAction action) : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context) => action(context);
}

/// <summary>
/// route(N): runs the block and returns its code, except that a 0 (break) becomes 1,
/// so the caller continues (route-script.md 4.2). The target is taken from the route
/// table by index; nothing is looked up by name.
/// </summary>
internal sealed class RouteCallNode(StatementNode?[] table, int number) : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context)
    {
        if (context.Depth >= RouteContext.MaxRouteDepth)
        {
            context.Log.Write(-1, $"route({number}) nested more than {RouteContext.MaxRouteDepth} deep; giving up on this message");
            context.Exited = true;
            return new ValueTask<int>(0);
        }

        context.Depth++;
        var pending = table[number]!.RunAsync(context);
        return pending.IsCompletedSuccessfully ? new ValueTask<int>(Finish(pending.Result, context)) : ContinueAsync(pending, context);
    }

    private static int Finish(int result, RouteContext context)
    {
        context.Depth--;
        if (context.Exited)
        {
            return 0;
        }

        if (context.Returning)
        {
            context.Returning = false;
            result = context.ReturnValue;
        }

        return result == 0 ? 1 : result;
    }

    private static async ValueTask<int> ContinueAsync(ValueTask<int> pending, RouteContext context) =>
        Finish(await pending.ConfigureAwait(false), context);
}

/// <summary>break and drop: return 0. drop also marks the message so an onreply_route can withhold the reply.</summary>
internal sealed class BreakNode(bool isDrop) : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context)
    {
        if (isDrop)
        {
            context.Dropped = true;
        }

        return new ValueTask<int>(0);
    }
}

/// <summary>NatEdge extension: return(N) leaves the current route block; route(N) in the caller yields N.</summary>
internal sealed class ReturnNode(int value) : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context)
    {
        context.Returning = true;
        context.ReturnValue = value;
        return new ValueTask<int>(0);
    }
}

/// <summary>NatEdge extension: exit (and return(0), as in Kamailio) ends the processing of the message.</summary>
internal sealed class ExitNode : StatementNode
{
    public override ValueTask<int> RunAsync(RouteContext context)
    {
        context.Exited = true;
        return new ValueTask<int>(0);
    }
}
