using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Core;

/// <summary>
/// The request pipeline behind a real UDP listener on loopback, running the default script
/// (config/natedge.cfg, as the executable embeds it), and a client socket to talk to it.
/// </summary>
internal sealed class PipelineFixture : IAsyncDisposable
{
    private readonly TcpConnectionTable _connections;
    private readonly List<UdpSipListener> _udp = [];
    private readonly HandlerAfterBinding _handler = new();

    public PipelineFixture(TransportLimits? limits = null, string[]? aliases = null)
    {
        limits ??= new TransportLimits();
        _connections = new TcpConnectionTable(limits, TimeProvider.System);
        var sender = new SipSender(_udp, [], _connections);
        Listener = UdpSipListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 1, _handler, NullLogger.Instance);
        _udp.Add(Listener);
        var replier = new StatelessReplier(sender);
        var script = ScriptLoader.BindText(ScriptSource.BuiltIn().Text, ScriptSource.BuiltInName, out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        var myself = new LocalIdentity([Listener.LocalEndPoint], (aliases ?? []).Select(a => new HostAlias(a, null)));
        Pipeline = new SipRequestPipeline(
            replier,
            new ScriptRequestRouter(ScriptCompiler.Compile(script, myself), replier, new TextWriterScriptLog(TextWriter.Null)),
            limits,
            NullLogger.Instance);
        _handler.Target = Pipeline;
        Listener.Start();
        Client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public UdpSipListener Listener { get; }

    public SipRequestPipeline Pipeline { get; }

    public UdpClient Client { get; }

    public int Port => Listener.LocalEndPoint.Port;

    public int ClientPort => ((IPEndPoint)Client.Client.LocalEndPoint!).Port;

    public async Task SendAsync(string message) => await Client.SendAsync(Encoding.ASCII.GetBytes(message), Listener.LocalEndPoint);

    public async Task<string> ReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var result = await Client.ReceiveAsync(timeout.Token);
        return Encoding.ASCII.GetString(result.Buffer);
    }

    /// <summary>True when nothing arrives within a short wait: used for messages that must be dropped.</summary>
    public async Task<bool> NoReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            await Client.ReceiveAsync(timeout.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Listener.DisposeAsync();
        _connections.Dispose();
    }
}
