using System.Net;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Tests.Routing;
using NatEdge.Proxy.Tests.Sip;
using NatEdge.Proxy.Tests.Transactions.Proxying;

namespace NatEdge.Proxy.Tests.Modules;

/// <summary>
/// A compiled script run as a proxy worker runs it: module services on a fake clock, a
/// transaction scope for the destination set lookup() fills, replies recorded as sent.
/// </summary>
internal sealed class ModuleScriptHarness : IDisposable
{
    public static readonly ReceiveInfo Phone = ReceiveInfo.From(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 5070), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);

    private static readonly SipInterface Inbound = new("UDP"u8.ToArray(), "127.0.0.1:5060"u8.ToArray());

    private readonly ScriptHarness.RecordingTransport _transport = new();
    private readonly ScriptWorker _worker;
    private readonly ProxyHarness _proxy = new();

    public ModuleScriptHarness(string script, Func<FakeTimeProvider, ModuleServices> services)
    {
        var loaded = ScriptLoader.LoadText(script, "test.cfg");
        loaded.Diagnostics.Render().ShouldBeEmpty();
        Script = loaded.Script!;
        _worker = new ScriptWorker(Script, _transport, new ScriptHarness.RecordingLog());
        Scope = new TransactionScope(_proxy.Proxy);
        TransactionScope.Attach(_worker.Context, Scope);
        Services = services(Time);
        _worker.Context.Services = Services;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public CompiledScript Script { get; }

    public ModuleServices Services { get; }

    public TransactionScope Scope { get; }

    public RouteContext Context => _worker.Context;

    public IReadOnlyList<string> Replies => _transport.Replies;

    public string LastReply => _transport.Replies[^1];

    public SipMessage? Message { get; private set; }

    public async Task<int> RequestAsync(string text, ReceiveInfo? received = null)
    {
        Message = SipText.Parse(text);
        Scope.Reset(Message, _proxy.Caller, Inbound);
        return await _worker.RouteRequestAsync(Message, received ?? Phone);
    }

    /// <summary>The Request-URI as the script left it.</summary>
    public string RequestUri => System.Text.Encoding.UTF8.GetString(Context.Message.RequestUri);

    public void Dispose() => _proxy.Dispose();
}
