using System.Collections.Concurrent;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// The routes tm arms on a transaction: a response goes to the transaction layer, which runs the
/// armed onreply_route and, when every branch failed, the armed failure_route. Requests never pass
/// here: the receive loops run the main route on their own workers
/// (<see cref="Core.ScriptRequestRouter"/>), each with a <see cref="TransactionScope"/> over the
/// same transactions.
/// </summary>
/// <remarks>
/// Script workers are pooled: a reply or failure route rents one (with its
/// <see cref="TransactionScope"/>) for as long as it runs. Both run inside the transaction's lock
/// and are expected to complete synchronously; one that awaits (a database lookup in failure_route) blocks that thread until it is done.
/// </remarks>
public sealed class TransactionRouter : ITransactionScriptRunner
{
    [ThreadStatic]
    private static ReceiveInfo? _replyReceived;

    private readonly CompiledScript _script;
    private readonly IReplyTransport _replies;
    private readonly IScriptLog _log;
    private readonly ConcurrentBag<PooledWorker> _workers = [];

    public TransactionRouter(CompiledScript script, StatefulProxy proxy, IReplyTransport replies, IScriptLog log)
    {
        _script = script;
        Proxy = proxy;
        _replies = replies;
        _log = log;
    }

    public StatefulProxy Proxy { get; }

    /// <summary>Hands a response to the transaction layer; reply routes run on this thread.</summary>
    public ResponseResult RouteResponse(SipMessage response, SipReceiveContext origin)
    {
        _replyReceived = Received(origin);
        try
        {
            return Proxy.ReceiveResponse(response);
        }
        finally
        {
            _replyReceived = null;
        }
    }

    public bool RunReplyRoute(int route, ResponseContext context, SipMessage reply)
    {
        if (!_script.HasOnReplyRoute(route))
        {
            return true;
        }

        var pooled = Rent();
        try
        {
            var pending = pooled.Worker.RouteReplyAsync(route, reply, _replyReceived ?? ReceivedOf(context), context.Flags);
            return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            _workers.Add(pooled);
        }
    }

    public void RunFailureRoute(int route, ResponseContext context)
    {
        if (!_script.HasFailureRoute(route))
        {
            return;
        }

        var pooled = Rent();
        try
        {
            pooled.Scope.ResetForFailure(context);
            var pending = pooled.Worker.RouteFailureAsync(route, context.Request, ReceivedOf(context), context.Flags);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            _workers.Add(pooled);
        }
    }

    private PooledWorker Rent()
    {
        if (_workers.TryTake(out var pooled))
        {
            return pooled;
        }

        var worker = new ScriptWorker(_script, _replies, _log);
        var scope = new TransactionScope(Proxy, this);
        TransactionScope.Attach(worker.Context, scope);
        return new PooledWorker(worker, scope);
    }

    private static ReceiveInfo Received(SipReceiveContext origin)
        => new(origin.Remote, origin.Listener.LocalEndPoint, origin.Transport == SipTransportKind.Tcp ? TransportProtocol.Tcp : TransportProtocol.Udp);

    /// <summary>A failure route sees the request as it came from the caller.</summary>
    private static ReceiveInfo ReceivedOf(ResponseContext context)
        => context.Server.Channel is UpstreamChannel upstream ? Received(upstream.Origin) : default;

    private sealed record PooledWorker(ScriptWorker Worker, TransactionScope Scope);
}
