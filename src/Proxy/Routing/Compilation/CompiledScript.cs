using NatEdge.Proxy.Core;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// A script ready to run: route tables by kind (request, onreply, failure), the
/// global settings and each loaded module's settings. Immutable and shared by every
/// worker; per-message state lives in <see cref="RouteContext"/>.
/// </summary>
public sealed class CompiledScript
{
    private readonly StatementNode?[] _requestRoutes;
    private readonly StatementNode?[] _onReplyRoutes;
    private readonly StatementNode?[] _failureRoutes;

    internal CompiledScript(
        ScriptSettings settings,
        IReadOnlyDictionary<string, ModuleSettings> modules,
        StatementNode?[] requestRoutes,
        StatementNode?[] onReplyRoutes,
        StatementNode?[] failureRoutes,
        LocalIdentity myself)
    {
        Settings = settings;
        Modules = modules;
        Myself = myself;
        _requestRoutes = requestRoutes;
        _onReplyRoutes = onReplyRoutes;
        _failureRoutes = failureRoutes;
    }

    public ScriptSettings Settings { get; }

    /// <summary>Loaded modules by name, with their modparam values.</summary>
    public IReadOnlyDictionary<string, ModuleSettings> Modules { get; }

    public LocalIdentity Myself { get; }

    public bool HasOnReplyRoute(int number) => number is >= 0 and < Binder.RouteTableSize && _onReplyRoutes[number] is not null;

    public bool HasFailureRoute(int number) => number is >= 0 and < Binder.RouteTableSize && _failureRoutes[number] is not null;

    /// <summary>
    /// Runs the main route for a request. When it ends (break, exit or its last action)
    /// processing is over; whatever the functions sent is all that is sent.
    /// </summary>
    public ValueTask<int> RunRequestAsync(RouteContext context) => _requestRoutes[0]!.RunAsync(context);

    /// <summary>Runs onreply_route[N] for a reply; returns false when the route dropped the reply.</summary>
    public ValueTask<bool> RunOnReplyAsync(int number, RouteContext context) => RunNotDropped(_onReplyRoutes[number]!, context);

    /// <summary>Runs failure_route[N] after a negative final outcome.</summary>
    public ValueTask<int> RunFailureAsync(int number, RouteContext context) => _failureRoutes[number]!.RunAsync(context);

    private static ValueTask<bool> RunNotDropped(StatementNode route, RouteContext context)
    {
        var pending = route.RunAsync(context);
        return pending.IsCompletedSuccessfully ? new(!context.Dropped) : AwaitAsync(pending, context);

        static async ValueTask<bool> AwaitAsync(ValueTask<int> pending, RouteContext context)
        {
            await pending.ConfigureAwait(false);
            return !context.Dropped;
        }
    }
}
