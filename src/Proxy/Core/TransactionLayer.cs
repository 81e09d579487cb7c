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
/// <see cref="StatefulProxy"/> over the bound sockets, and the tm module's
/// <see cref="TransactionRouter"/>, which takes the responses reaching the proxy
/// (<see cref="IResponseRouter"/>) and runs the reply and failure routes tm arms. Requests run
/// on the receive loops' own workers (<see cref="ScriptRequestRouter"/>), each with a
/// <see cref="TransactionScope"/> from <see cref="CreateScope"/>.
/// </summary>
public sealed class TransactionLayer : IResponseRouter, IDisposable
{
    private readonly TimerWheel _wheel;
    private readonly SipSender _sender;
    private readonly Dictionary<ISipListener, SipInterface> _interfaces = [];

    public TransactionLayer(CompiledScript script, SipTimers timers, ProxyTransports transports, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(transports);
        _sender = transports.Sender;
        _wheel = new TimerWheel(timeProvider);
        Proxy = new StatefulProxy(timers, _wheel, new SenderNextHopResolver(transports.Sender, transports.All));

        // Reply and failure routes answer through the transaction (t_reply), never statelessly.
        Router = new TransactionRouter(script, Proxy, transports.Sender, NoStatelessReplies.Instance, new TextWriterScriptLog());
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

    public TransactionRouter Router { get; }

    /// <summary>How the proxy writes the socket a request came in on (record_route).</summary>
    public SipInterface InterfaceOf(ISipListener listener) => _interfaces[listener];

    /// <summary>A scope for a receive loop's worker; its reply and failure routes run through <see cref="Router"/>.</summary>
    public TransactionScope CreateScope() => new(Proxy, Router);

    /// <summary>The way back to the previous hop of <paramref name="request"/>, for the server transaction t_relay files.</summary>
    public UpstreamChannel UpstreamOf(SipMessage request, SipReceiveContext origin) => UpstreamChannel.For(_sender, request, origin);

    public ValueTask RouteResponseAsync(SipMessage response, SipReceiveContext context, CancellationToken cancellationToken)
    {
        Router.RouteResponse(response, context);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _wheel.Dispose();

    private sealed class NoStatelessReplies : IReplyTransport
    {
        public static readonly NoStatelessReplies Instance = new();

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(false);
    }
}
