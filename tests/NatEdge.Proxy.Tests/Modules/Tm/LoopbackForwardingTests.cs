using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Proxy.Transport;
using NatEdge.Shared.Timing;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Modules.Tm;

/// <summary>
/// The stateful proxy on real loopback sockets: a caller over UDP, a callee over TCP, the proxy's
/// listeners and sender in between. Shows forwarding across transports with double Record-Route,
/// responses coming back over the callee's connection, and the caller's answers over UDP.
/// </summary>
public sealed class LoopbackForwardingTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TcpConnectionTable _connections = new(new TransportLimits(), TimeProvider.System);
    private readonly ForwardingHandler _handler = new();
    private readonly UdpSipListener _udp;
    private readonly TcpSipListener _tcp;
    private readonly TimerWheel _wheel = new(TimeProvider.System);

    public LoopbackForwardingTests()
    {
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        _udp = UdpSipListener.Bind(loopback, 1, _handler, NullLogger.Instance);
        _tcp = TcpSipListener.Bind(loopback, _connections, _handler, NullLogger.Instance);
        var sender = new SipSender([_udp], [_tcp], _connections);
        _handler.Sender = sender;
        _handler.Proxy = new StatefulProxy(SipTimers.Default, _wheel, new SenderNextHopResolver(sender, [_udp, _tcp]));
        _handler.Inbound = new SipInterface("UDP"u8.ToArray(), Encoding.ASCII.GetBytes($"127.0.0.1:{_udp.LocalEndPoint.Port}"));
        _udp.Start();
        _tcp.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _connections.AbortAll();
        await _tcp.DisposeAsync();
        await _udp.DisposeAsync();
        _connections.Dispose();
        _wheel.Dispose();
    }

    [Fact]
    public async Task An_invite_from_udp_reaches_a_tcp_callee_and_its_answers_come_back()
    {
        using var callee = new TcpListener(IPAddress.Loopback, 0);
        callee.Start();
        var calleePort = ((IPEndPoint)callee.LocalEndpoint).Port;
        _handler.Target = $"sip:1001@127.0.0.1:{calleePort};transport=tcp";
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var callerPort = ((IPEndPoint)caller.LocalEndPoint!).Port;
        var invite = Request("INVITE", uri: $"sip:1001@127.0.0.1:{_udp.LocalEndPoint.Port}")
            .Replace("127.0.0.5:5070", $"127.0.0.1:{callerPort}", StringComparison.Ordinal);

        await caller.SendToAsync(Encoding.ASCII.GetBytes(invite), _udp.LocalEndPoint);
        (await ReceiveDatagram(caller)).ShouldStartWith("SIP/2.0 100 Trying");

        using var accepted = await callee.AcceptSocketAsync(new CancellationTokenSource(Patience).Token);
        var forwarded = await ReceiveStreamMessage(accepted);
        StartLine(forwarded).ShouldBe($"INVITE sip:1001@127.0.0.1:{calleePort};transport=tcp SIP/2.0");
        Line(forwarded, "Via:").ShouldStartWith($"Via: SIP/2.0/TCP 127.0.0.1:{_tcp.LocalEndPoint.Port};branch=z9hG4bK");
        Lines(forwarded, "Record-Route:").ShouldBe(
        [
            $"Record-Route: <sip:1001@127.0.0.1:{_tcp.LocalEndPoint.Port};transport=tcp;r2=on;ftag=caller-tag;lr>",
            $"Record-Route: <sip:1001@127.0.0.1:{_udp.LocalEndPoint.Port};r2=on;ftag=caller-tag;lr>",
        ]);

        await accepted.SendAsync(Encoding.ASCII.GetBytes(Answer(forwarded, 180)));
        (await ReceiveDatagram(caller)).ShouldStartWith("SIP/2.0 180 X");
        await accepted.SendAsync(Encoding.ASCII.GetBytes(Answer(forwarded, 200)));
        var ok = await ReceiveDatagram(caller);
        ok.ShouldStartWith("SIP/2.0 200 X");
        Lines(ok, "Via:").Length.ShouldBe(1);
        _handler.Proxy.ClientTransactionCount.ShouldBe(1);
    }

    [Fact]
    public async Task A_callee_that_refuses_the_connection_leaves_the_caller_with_an_answer()
    {
        // A port that was just released has no listener: the TCP connect to the callee fails.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _handler.Target = $"sip:1001@127.0.0.1:{closedPort};transport=tcp";
        _handler.Proxy = new StatefulProxy(new SipTimers { FinalResponseTimeout = TimeSpan.FromSeconds(1) }, _wheel, _handler.Proxy.Resolver);
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var callerPort = ((IPEndPoint)caller.LocalEndPoint!).Port;
        var options = Request("OPTIONS", uri: "sip:1001@127.0.0.1").Replace("127.0.0.5:5070", $"127.0.0.1:{callerPort}", StringComparison.Ordinal);

        await caller.SendToAsync(Encoding.ASCII.GetBytes(options), _udp.LocalEndPoint);

        (await ReceiveDatagram(caller)).ShouldStartWith("SIP/2.0 408 Request Timeout");
        await WaitUntil(() => _handler.Proxy.ClientTransactionCount == 0);
    }

    private static async Task<string> ReceiveDatagram(Socket socket)
    {
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(Patience);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, received);
    }

    private static async Task<string> ReceiveStreamMessage(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.ShouldBeGreaterThan(0, "the proxy closed the connection");
            text.Append(Encoding.ASCII.GetString(buffer, 0, received));
        }

        return text.ToString();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().ShouldBeTrue();
    }

    /// <summary>A stand-in for the route script: requests to one target with record_route(), responses to the transaction layer.</summary>
    private sealed class ForwardingHandler : ISipMessageHandler
    {
        public SipSender Sender { get; set; } = null!;

        public StatefulProxy Proxy { get; set; } = null!;

        public SipInterface Inbound { get; set; }

        public string Target { get; set; } = string.Empty;

        public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
        {
            if (SipMessageParser.TryParse(message, out var parsed, out _) != SipParseStatus.Ok)
            {
                return ValueTask.CompletedTask;
            }

            if (parsed!.IsResponse)
            {
                Proxy.ReceiveResponse(parsed);
                return ValueTask.CompletedTask;
            }

            Span<byte> source = stackalloc byte[SocketAddressExtensions.MaxAddressTextLength];
            var length = SocketAddressExtensions.FormatAddress(context.Remote, source);
            ViaReceivedStamp.Apply(parsed, source[..length], SocketAddressExtensions.Port(context.Remote));
            if (!Proxy.TryAbsorb(parsed))
            {
                Proxy.Relay(parsed, UpstreamChannel.For(Sender, parsed, context), [new RelayTarget(Encoding.ASCII.GetBytes(Target))], null, 0, out _,
                    RecordRouteHeader.ForInterface(parsed, Inbound));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken)
            => ValueTask.CompletedTask;
    }
}
