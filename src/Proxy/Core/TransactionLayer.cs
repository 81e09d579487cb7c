using System.Text;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Proxy.Transport;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Core;

/// <summary>
/// The stateful side of a running proxy whose script loads tm: one timer wheel and one
/// <see cref="StatefulProxy"/> over the bound sockets. Responses reaching the proxy come here
/// (<see cref="IResponseRouter"/>); the reply and failure routes tm arms run here
/// (<see cref="ITransactionScriptRunner"/>) on a worker of the thread the reply or timer arrived on.
/// </summary>
public sealed class TransactionLayer : IResponseRouter, ITransactionScriptRunner, IDisposable
{
    private readonly TimerWheel _wheel;
    private readonly SipSender _sender;
    private readonly Dictionary<ISipListener, SipInterface> _interfaces = [];
    private readonly ReceiveInfo _timerOrigin;
    private readonly ThreadLocal<RouteRunner> _runners;
    private CompiledScript? _script;

    public TransactionLayer(SipTimers timers, ProxyTransports transports, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(transports);
        _sender = transports.Sender;
        _wheel = new TimerWheel(timeProvider);
        Proxy = new StatefulProxy(timers, _wheel, new SenderNextHopResolver(transports.Sender, transports.All));
        foreach (var listener in transports.All)
        {
            var address = listener.LocalEndPoint.Address;
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            _interfaces[listener] = new SipInterface(
                Encoding.ASCII.GetBytes(listener.Transport.ViaToken()),
                Encoding.ASCII.GetBytes($"{host}:{listener.LocalEndPoint.Port}"));
        }

        // Routes a timer runs (failure routes after Timer B/C/F) have no received message; they
        // see the proxy's first socket as both ends.
        var first = transports.All.First().LocalEndPoint;
        _timerOrigin = ReceiveInfo.From(first, first, TransportProtocol.Udp);
        _runners = new ThreadLocal<RouteRunner>(() => new RouteRunner(this));
    }

    public StatefulProxy Proxy { get; }

    /// <summary>The script whose routes the transactions run; set once, before any message.</summary>
    public void Attach(CompiledScript script) => _script = script;

    /// <summary>How the proxy writes the socket a request came in on (record_route).</summary>
    public SipInterface InterfaceOf(ISipListener listener) => _interfaces[listener];

    /// <summary>A scope for a receive loop's worker: t_relay answers through the loop's sender.</summary>
    public TransactionScope CreateScope() => new(Proxy, this);

    /// <summary>The way back to the previous hop of <paramref name="request"/>, for the server transaction t_relay files.</summary>
    public UpstreamChannel UpstreamOf(SipMessage request, SipReceiveContext origin) => UpstreamChannel.For(_sender, request, origin);

    public ValueTask RouteResponseAsync(SipMessage response, SipReceiveContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var runner = _runners.Value!;
        runner.Origin = new ReceiveInfo(context.Remote, context.Listener.LocalEndPoint, context.Transport == SipTransportKind.Tcp ? TransportProtocol.Tcp : TransportProtocol.Udp);
        try
        {
            Proxy.ReceiveResponse(response);
        }
        finally
        {
            runner.Origin = _timerOrigin;
        }

        return ValueTask.CompletedTask;
    }

    public bool RunReplyRoute(int route, ResponseContext context, SipMessage reply)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runner = Runner();
        var pending = runner.Worker.RouteReplyAsync(route, reply, runner.Origin, context.Flags);
        return Finish(runner, pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult());
    }

    public void RunFailureRoute(int route, ResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runner = Runner();
        runner.Scope.ResetForFailure(context);
        var pending = runner.Worker.RouteFailureAsync(route, context.Request, runner.Origin, context.Flags);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        Finish(runner, true);
    }

    public void Dispose()
    {
        _runners.Dispose();
        _wheel.Dispose();
    }

    /// <summary>
    /// The calling thread's runner. Reply and failure routes run synchronously inside the
    /// transaction code; if one starts while another runs on this thread (a failure route whose
    /// t_relay fails at once), the inner one gets a runner of its own.
    /// </summary>
    private RouteRunner Runner()
    {
        var runner = _runners.Value!;
        if (runner.Busy)
        {
            runner = new RouteRunner(this) { Origin = runner.Origin };
        }

        runner.Busy = true;
        return runner;
    }

    private static bool Finish(RouteRunner runner, bool result)
    {
        runner.Busy = false;
        return result;
    }

    private sealed class RouteRunner
    {
        public RouteRunner(TransactionLayer layer)
        {
            var script = layer._script ?? throw new InvalidOperationException("the transaction layer runs routes before its script is attached");
            Worker = new ScriptWorker(script, NoStatelessReplies.Instance, new TextWriterScriptLog());
            Scope = layer.CreateScope();
            TransactionScope.Attach(Worker.Context, Scope);
            Origin = layer._timerOrigin;
        }

        public ScriptWorker Worker { get; }

        public TransactionScope Scope { get; }

        public ReceiveInfo Origin { get; set; }

        public bool Busy { get; set; }
    }

    /// <summary>Reply and failure routes answer through the transaction (t_reply), never statelessly.</summary>
    private sealed class NoStatelessReplies : IReplyTransport
    {
        public static readonly NoStatelessReplies Instance = new();

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(false);
    }
}
