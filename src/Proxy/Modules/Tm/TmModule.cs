using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Transactions.Proxying;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// The tm module (route-script.md section 5): t_relay forwards statefully through the
/// <see cref="StatefulProxy"/> to the Request-URI, loose_route's next hop and any added branches;
/// t_on_reply and t_on_failure arm the routes that run for the transaction's replies and for its
/// negative outcome; t_reply answers from a failure route.
/// </summary>
internal static class TmModule
{
    public static ScriptModule Create() => new(
        "tm",
        [
            new F("t_relay", [], RouteKind.RequestAndFailure, _ => Relay),
            F.Declared("t_relay_to_udp", RouteKind.RequestAndFailure, new FunctionParameter("host", Text), new FunctionParameter("port", Integer)),
            F.Declared("t_relay_to_tcp", RouteKind.RequestAndFailure, new FunctionParameter("host", Text), new FunctionParameter("port", Integer)),
            new F("t_on_reply", [new("route", Integer)], RouteKind.RequestAndFailure, BindOnReply, ArmsRoute(RouteKind.OnReply)),
            new F("t_on_failure", [new("route", Integer)], RouteKind.RequestAndFailure, BindOnFailure, ArmsRoute(RouteKind.Failure)),
            new F("t_reply", [new("code", Integer), new("reason", Text)], RouteKind.RequestAndFailure, BindReply, ValidateReply),
            F.Declared("t_newtran", RouteKind.Request),
        ],
        TmSettings.Parameters);

    /// <summary>t_on_reply("N") and t_on_failure("N") must name a route block the script defines.</summary>
    private static FunctionValidator ArmsRoute(RouteKind kind) => (binding, diagnostics) =>
    {
        var argument = binding.Arguments[0];
        var keyword = kind == RouteKind.OnReply ? "onreply_route" : "failure_route";
        if (!binding.DefinedRoutes.Contains((kind, (int)Math.Clamp(argument.Integer, -1, int.MaxValue))))
        {
            diagnostics.Error(argument.Span, $"{binding.Call.Name}(\"{argument.Text}\") arms {keyword}[{argument.Text}], which is not defined",
                $"define {keyword}[{argument.Text}] {{ ... }}");
        }
    };

    private static void ValidateReply(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var code = binding.Arguments[0];
        if (code.Integer is < 100 or > 699)
        {
            diagnostics.Error(code.Span, $"reply code {code.Integer} is not between 100 and 699");
        }
    }

    private static ScriptAction BindOnReply(FunctionBinding binding)
    {
        var route = (int)binding.Arguments[0].Integer;
        return context => Armed(context, scope => scope.ReplyRoute = route);
    }

    private static ScriptAction BindOnFailure(FunctionBinding binding)
    {
        var route = (int)binding.Arguments[0].Integer;
        return context => Armed(context, scope => scope.FailureRoute = route);
    }

    private static ValueTask<int> Armed(RouteContext context, Action<TransactionScope> arm)
    {
        if (TransactionScope.Of(context) is not { } scope)
        {
            return new ValueTask<int>(-1);
        }

        arm(scope);
        if (scope.FailureContext is { } transaction)
        {
            // Armed inside a failure route: it applies to the branches forked from there.
            transaction.Hooks = TransactionHooks.For(scope);
        }

        return new ValueTask<int>(1);
    }

    private static ScriptAction BindReply(FunctionBinding binding)
    {
        var code = (int)binding.Arguments[0].Integer;
        var reason = Encoding.UTF8.GetBytes(binding.Arguments[1].Text);
        return context =>
        {
            var scope = TransactionScope.Of(context);
            if (scope?.FailureContext is { } transaction)
            {
                return new ValueTask<int>(transaction.Reply(code, reason) ? 1 : -1);
            }

            // In the request route there is no transaction yet: answer as sl_send_reply would.
            var pending = context.Replies.SendStatelessReplyAsync(context, code, reason);
            return pending.IsCompletedSuccessfully ? new ValueTask<int>(pending.Result ? 1 : -1) : AwaitAsync(pending);
        };

        static async ValueTask<int> AwaitAsync(ValueTask<bool> pending) => await pending.ConfigureAwait(false) ? 1 : -1;
    }

    private static ValueTask<int> Relay(RouteContext context)
    {
        if (TransactionScope.Of(context) is not { } scope)
        {
            context.LastError = ScriptError.ExternalLogic;
            return new ValueTask<int>(-1);
        }

        var targets = Targets(context, scope);
        RelayError error;
        if (scope.FailureContext is { } transaction)
        {
            error = transaction.Fork(targets);
        }
        else
        {
            var result = scope.Proxy.Relay(scope.Request, scope.Upstream, targets, TransactionHooks.For(scope), context.Flags, out error, scope.RecordRoute);
            if (result != RelayResult.Failed)
            {
                return new ValueTask<int>(1);
            }
        }

        if (error == RelayError.None)
        {
            return new ValueTask<int>(1);
        }

        context.LastError = ToScriptError(error);
        return new ValueTask<int>(-1);
    }

    /// <summary>The Request-URI (as the script left it) sent to loose_route's next hop if any, then the added branches.</summary>
    private static RelayTarget[] Targets(RouteContext context, TransactionScope scope)
    {
        var targets = new RelayTarget[1 + scope.Branches.Count];
        targets[0] = new RelayTarget(context.Message.RequestUri.ToArray(), scope.Destination);
        for (var i = 0; i < scope.Branches.Count; i++)
        {
            targets[i + 1] = scope.Branches[i];
        }

        return targets;
    }

    /// <summary>The one place a relay failure becomes the error sl_reply_error answers with.</summary>
    private static ScriptError ToScriptError(RelayError error) => error switch
    {
        RelayError.Unresolvable or RelayError.NoTargets => ScriptError.Unresolvable,
        RelayError.BadUri => ScriptError.BadUri,
        RelayError.SendFailed => ScriptError.SendFailed,
        RelayError.TooManyHops or RelayError.BadRequest => ScriptError.BadRequest,
        _ => ScriptError.ExternalLogic,
    };
}
