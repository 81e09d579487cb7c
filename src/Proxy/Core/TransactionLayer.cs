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
/// The stateful side of a running proxy whose script loads tm: one timer wheel, one
/// <see cref="StatefulProxy"/> over the bound sockets, and per route script a tm
/// <see cref="TransactionRouter"/> (<see cref="RouterFor"/>) that runs the reply and failure routes
/// tm arms; the responses reaching the proxy come in through <see cref="IResponseRouter"/>.
/// Requests run on the receive loops' own workers (<see cref="ScriptRequestRouter"/>), each with a
/// <see cref="TransactionScope"/> from <see cref="CreateScope"/>.
/// </summary>
public sealed class TransactionLayer : IResponseRouter, IDisposable
{
    private readonly TimerWheel _wheel;
    private readonly SipSender _sender;
    private readonly Dictionary<ISipListener, SipInterface> _interfaces = [];
    private readonly TransactionRouter _responseRouter;

    public TransactionLayer(CompiledScript script, SipTimers timers, ProxyTransports transports, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(transports);
        _sender = transports.Sender;
        _wheel = new TimerWheel(timeProvider);
        Proxy = new StatefulProxy(timers, _wheel, new SenderNextHopResolver(transports.Sender, transports.All));
        _responseRouter = RouterFor(script);
        foreach (var listener in transports.All)
        {
            var address = listener.LocalEndPoint.Address;
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            _interfaces[listener] = new SipInterface(
                ViaTransportTokens.Of(listener.Transport),
                Encoding.ASCII.GetBytes($"{host}:{listener.LocalEndPoint.Port}"));
        }
    }

    public StatefulProxy Proxy { get; }

    /// <summary>
    /// The reply and failure routes of <paramref name="script"/> over this layer's transactions. A
    /// transaction keeps the router it was created with, so after a reload it finishes under the
    /// script it started with.
    /// </summary>
    public TransactionRouter RouterFor(CompiledScript script)
    {
        // Reply and failure routes answer through the transaction (t_reply), never statelessly.
        return new TransactionRouter(script, Proxy, NoStatelessReplies.Instance, new TextWriterScriptLog());
    }

    /// <summary>How the proxy writes the socket a request came in on (record_route).</summary>
    public SipInterface InterfaceOf(ISipListener listener) => _interfaces[listener];

    /// <summary>A scope for a receive loop's worker; its reply and failure routes run through <paramref name="routes"/>.</summary>
    public TransactionScope CreateScope(TransactionRouter routes) => new(Proxy, routes);

    /// <summary>The way back to the previous hop of <paramref name="request"/>, for the server transaction t_relay files.</summary>
    public UpstreamChannel UpstreamOf(SipMessage request, SipReceiveContext origin) => UpstreamChannel.For(_sender, request, origin);

    public ValueTask RouteResponseAsync(SipMessage response, SipReceiveContext context, CancellationToken cancellationToken)
    {
        // Any router will do: the routes a response runs are those its transaction was armed with.
        _responseRouter.RouteResponse(response, context);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _wheel.Dispose();

    private sealed class NoStatelessReplies : IReplyTransport
    {
        public static readonly NoStatelessReplies Instance = new();

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(false);
    }
}
