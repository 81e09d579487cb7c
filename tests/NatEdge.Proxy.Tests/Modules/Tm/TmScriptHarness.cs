using System.Net;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Tests.Routing;
using NatEdge.Proxy.Tests.Transactions.Proxying;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Tests.Modules.Tm;

/// <summary>
/// A compiled script driving a real stateful proxy on a fake clock, as a host would: each worker
/// has a transaction scope, replies and timers run onreply/failure routes on a second worker.
/// </summary>
internal sealed class TmScriptHarness : IDisposable, ITransactionScriptRunner
{
    private static readonly ReceiveInfo Received = ReceiveInfo.From(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 5070), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);
    private static readonly SipInterface Inbound = new("UDP"u8.ToArray(), "127.0.0.1:5060"u8.ToArray());

    private readonly ScriptWorker _worker;
    private readonly ScriptWorker _routeWorker;
    private readonly TransactionScope _scope;
    private readonly TransactionScope _routeScope;
    private readonly ScriptHarness.RecordingTransport _stateless = new();

    public TmScriptHarness(string script)
    {
        var loaded = ScriptLoader.LoadText(script, "test.cfg");
        loaded.Diagnostics.Render().ShouldBeEmpty();
        Proxy = new ProxyHarness(TmSettings.ToTimers(loaded.Script!.Modules["tm"]));
        var log = new ScriptHarness.RecordingLog();
        _worker = new ScriptWorker(loaded.Script, _stateless, log);
        _routeWorker = new ScriptWorker(loaded.Script, _stateless, log);
        _scope = new TransactionScope(Proxy.Proxy, this);
        _routeScope = new TransactionScope(Proxy.Proxy, this);
        TransactionScope.Attach(_worker.Context, _scope);
        TransactionScope.Attach(_routeWorker.Context, _routeScope);
    }

    public ProxyHarness Proxy { get; }

    /// <summary>Replies the script sent statelessly (sl_send_reply, sl_reply_error).</summary>
    public IReadOnlyList<string> StatelessReplies => _stateless.Replies;

    public int Request(string text)
    {
        var message = ProxyHarness.Parse(text);
        _scope.Reset(message, Proxy.Caller, Inbound);
        var pending = _worker.RouteRequestAsync(message, Received);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new ShouldAssertException("routing completes synchronously here");
    }

    public bool RunReplyRoute(int route, ResponseContext context, SipMessage reply)
    {
        var pending = _routeWorker.RouteReplyAsync(route, reply, Received, context.Flags);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new ShouldAssertException("reply routes complete synchronously here");
    }

    public void RunFailureRoute(int route, ResponseContext context)
    {
        _routeScope.ResetForFailure(context);
        var pending = _routeWorker.RouteFailureAsync(route, context.Request, Received, context.Flags);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new ShouldAssertException("failure routes complete synchronously here");
        }
    }

    public void Dispose() => Proxy.Dispose();
}
