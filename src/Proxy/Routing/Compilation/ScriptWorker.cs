using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// What a receive loop or worker holds to run the script: the shared compiled script
/// plus this worker's own route context and message view, reused for every message.
/// Not thread-safe: one per worker, never shared.
/// </summary>
public sealed class ScriptWorker
{
    private readonly CompiledScript _script;
    private readonly SipScriptMessage _view = new();

    public ScriptWorker(CompiledScript script, IReplyTransport transport, IScriptLog log)
    {
        _script = script;
        Context = new RouteContext(new SipStatelessReplySink(transport), log);
    }

    /// <summary>The state of the message being routed (flags, last error), for the code that forwards it.</summary>
    public RouteContext Context { get; }

    /// <summary>Runs the main route for a request. When it completes, whatever the script sent is all that is sent for it.</summary>
    public ValueTask<int> RouteRequestAsync(SipMessage request, ReceiveInfo received)
    {
        Context.Reset(_view.Reset(request), received);
        return _script.RunRequestAsync(Context);
    }

    /// <summary>
    /// Runs onreply_route[N] for a reply of a transaction whose request left
    /// <paramref name="flags"/>; false when the route dropped the reply.
    /// </summary>
    public ValueTask<bool> RouteReplyAsync(int onReplyRoute, SipMessage reply, ReceiveInfo received, uint flags)
    {
        Context.Reset(_view.Reset(reply), received, flags);
        return _script.RunOnReplyAsync(onReplyRoute, Context);
    }

    /// <summary>Runs failure_route[N] on the transaction's request, with the flags it left.</summary>
    public ValueTask<int> RouteFailureAsync(int failureRoute, SipMessage request, ReceiveInfo received, uint flags)
    {
        Context.Reset(_view.Reset(request), received, flags);
        return _script.RunFailureAsync(failureRoute, Context);
    }
}
