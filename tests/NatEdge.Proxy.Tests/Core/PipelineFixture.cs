using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Core;

/// <summary>The request pipeline behind a real UDP listener on loopback, and a client socket to talk to it.</summary>
internal sealed class PipelineFixture : IAsyncDisposable
{
    private readonly TcpConnectionTable _connections;
    private readonly List<UdpSipListener> _udp = [];

    public PipelineFixture(TransportLimits? limits = null, string[]? aliases = null)
    {
        limits ??= new TransportLimits();
        _connections = new TcpConnectionTable(limits, TimeProvider.System);
        var sender = new SipSender(_udp, [], _connections);
        Listener = UdpSipListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 1, new Deferred(this), NullLogger.Instance);
        _udp.Add(Listener);
        Pipeline = new SipRequestPipeline(
            new StatelessReplier(sender),
            new LocalIdentity([Listener.LocalEndPoint], aliases ?? []),
            limits,
            NullLogger.Instance);
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

    // The listener needs its handler before the pipeline (which needs the listener's sender) exists.
    private sealed class Deferred(PipelineFixture fixture) : ISipMessageHandler
    {
        public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken) =>
            fixture.Pipeline.HandleMessageAsync(message, context, cancellationToken);

        public ValueTask HandleFramingErrorAsync(NatEdge.Proxy.Sip.Parsing.StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken) =>
            fixture.Pipeline.HandleFramingErrorAsync(error, headerSection, context, cancellationToken);
    }
}
