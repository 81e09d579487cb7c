using System.Diagnostics;
using System.Net;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Telemetry;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Runs the compiled main route for each request. Each receive loop gets its own
/// <see cref="ScriptWorker"/> (route context, message view, reply buffer) on its first message
/// and keeps it in its <see cref="ReceiveLoopState"/>: a loop routes one message at a time, so
/// routing takes no lock and allocates nothing per message for the script's state.
/// A request the script neither answers nor relays stays unanswered, as in SER. When the script
/// loads tm, each worker also holds a <see cref="TransactionScope"/> over the
/// <see cref="TransactionLayer"/>, and retransmissions are absorbed before the script runs.
/// </summary>
public sealed class ScriptRequestRouter : IRequestRouter
{
    private readonly CompiledScript _script;
    private readonly StatelessReplier _replier;
    private readonly IScriptLog _log;
    private readonly ModuleServices _services;
    private readonly TransactionLayer? _transactions;
    private readonly TransactionRouter? _transactionRoutes;

    /// <param name="services">The module state every worker shares (location store, nonces, tables).</param>
    /// <param name="transactions">The stateful layer when the script loads tm; null for a stateless script.</param>
    public ScriptRequestRouter(CompiledScript script, StatelessReplier replier, IScriptLog log, ModuleServices? services = null, TransactionLayer? transactions = null)
    {
        _script = script;
        _replier = replier;
        _log = log;
        _services = services ?? ModuleServices.None;
        _transactions = transactions;
        _transactionRoutes = transactions?.RouterFor(script);
    }

    public ValueTask RouteAsync(SipMessage request, SipReceiveContext context, CancellationToken cancellationToken)
    {
        // The caller's ACK of a reply the script sent with sl is for this proxy alone; routed on, it
        // would loop back here, or (inside a dialog) reach a phone that never saw the refused INVITE.
        if (request.Method == SipMethod.Ack && (ResponseFactory.AcknowledgesDerivedTag(request) || _replier.Refusals.Acknowledges(request)))
        {
            return ValueTask.CompletedTask;
        }

        // After a reload the loop's worker belongs to the previous router: it is replaced on the loop's next message.
        var loop = context.Loop.HandlerState is LoopWorker current && current.Owner == this ? current : CreateWorker(context);
        loop.Transport.Begin(context, cancellationToken);
        if (_transactions is not null)
        {
            // A retransmission gets its transaction's last answer again, without running the script.
            if (_transactions.Proxy.TryAbsorb(request))
            {
                return ValueTask.CompletedTask;
            }

            loop.Scope!.Reset(request, _transactions.UpstreamOf(request, context), loop.Inbound);
        }

        var received = new ReceiveInfo(context.Remote, context.Listener.LocalEndPoint, Protocol(context.Transport));
        var started = _services.Time.GetTimestamp();
        var trace = ProxyTracing.StartTransaction(request);
        ValueTask<int> pending;
        try
        {
            pending = loop.Worker.RouteRequestAsync(request, received);
        }
        finally
        {
            // The receive loop goes on to the next message: it must not inherit this request's span.
            // A script still running keeps it in its own execution context.
            if (trace is not null)
            {
                Activity.Current = trace.Parent;
            }
        }

        if (pending.IsCompletedSuccessfully)
        {
            ScriptEnded(trace, started);
            return ValueTask.CompletedTask;
        }

        return AwaitAsync(pending, trace, started);

        async ValueTask AwaitAsync(ValueTask<int> pending, Activity? trace, long started)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            finally
            {
                ScriptEnded(trace, started);
            }
        }
    }

    private void ScriptEnded(Activity? trace, long started)
    {
        ProxyMetrics.ScriptRan(_services.Time.GetElapsedTime(started));
        ProxyTracing.EndScript(trace);
    }

    private LoopWorker CreateWorker(SipReceiveContext context)
    {
        var transport = new LoopReplyTransport(_replier);
        var worker = new ScriptWorker(_script, transport, _log);
        worker.Context.Services = _services;
        TransactionScope? scope = null;
        SipInterface inbound = default;
        if (_transactions is not null)
        {
            scope = _transactions.CreateScope(_transactionRoutes!);
            TransactionScope.Attach(worker.Context, scope);
            inbound = _transactions.InterfaceOf(context.Listener);
        }

        var loop = new LoopWorker(this, worker, transport, scope, inbound);
        context.Loop.HandlerState = loop;
        return loop;
    }

    private static TransportProtocol Protocol(SipTransportKind kind) => kind == SipTransportKind.Tcp ? TransportProtocol.Tcp : TransportProtocol.Udp;

    private sealed record LoopWorker(ScriptRequestRouter Owner, ScriptWorker Worker, LoopReplyTransport Transport, TransactionScope? Scope, SipInterface Inbound);

    /// <summary>
    /// The script's replies for the message its loop is routing: they leave the way the request
    /// came (its TCP connection, or its UDP socket towards received/rport).
    /// </summary>
    private sealed class LoopReplyTransport(StatelessReplier replier) : IReplyTransport
    {
        private SipReceiveContext _origin;
        private CancellationToken _cancellation;

        public void Begin(SipReceiveContext origin, CancellationToken cancellation)
        {
            _origin = origin;
            _cancellation = cancellation;
        }

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received)
        {
            ProxyTracing.ReplySent(reply.Span);
            var pending = replier.SendAsync(reply, request, _origin, _cancellation);
            return pending.IsCompletedSuccessfully ? new ValueTask<bool>(pending.Result == SendOutcome.Sent) : AwaitAsync(pending);

            static async ValueTask<bool> AwaitAsync(ValueTask<SendOutcome> pending) => await pending.ConfigureAwait(false) == SendOutcome.Sent;
        }
    }
}
