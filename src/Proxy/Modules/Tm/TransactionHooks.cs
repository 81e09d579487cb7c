using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// Turns the routes armed in a <see cref="TransactionScope"/> into the hooks a
/// <see cref="ResponseContext"/> calls. Hooks are cached per (reply route, failure route, runner),
/// so relaying allocates none once every combination the script uses has been seen.
/// </summary>
internal static class TransactionHooks
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Reply, int Failure, ITransactionScriptRunner Runner), RelayHooks> Cache = new();

    public static RelayHooks For(TransactionScope scope)
    {
        if (scope.Routes is not { } runner || (scope.ReplyRoute == 0 && scope.FailureRoute == 0))
        {
            return RelayHooks.None;
        }

        return Cache.GetOrAdd((scope.ReplyRoute, scope.FailureRoute, runner), static key => new RelayHooks(
            key.Reply == 0 ? null : (context, reply) => key.Runner.RunReplyRoute(key.Reply, context, reply),
            key.Failure == 0 ? null : (context, _) => key.Runner.RunFailureRoute(key.Failure, context)));
    }
}
