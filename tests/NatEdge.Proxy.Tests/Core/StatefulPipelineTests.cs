using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Transport;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Core;

/// <summary>
/// The route script with transactions on the path a running proxy uses: transports bound as
/// <c>natedge-proxy run</c> binds them, the <see cref="SipRequestPipeline"/> with its
/// <see cref="TransactionLayer"/> behind them, and a caller and a callee as raw loopback UDP
/// sockets. The script is the guide's core: record_route, loose_route for in-dialog requests,
/// t_relay, sl_reply_error, and a failure route that answers 480.
/// </summary>
public sealed class StatefulPipelineTests : IAsyncLifetime
{
    private const string Script = """
        loadmodule "sl.so"
        loadmodule "tm.so"
        loadmodule "rr.so"
        modparam("tm", "fr_inv_timer", 3)
        route {
          record_route();
          if (loose_route()) {
            if (!t_relay()) { sl_reply_error(); };
            break;
          };
          t_on_failure("1");
          if (!t_relay()) { sl_reply_error(); };
        }
        failure_route[1] {
          t_reply("480", "Temporarily Unavailable");
        }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly Socket _caller = Bound();
    private readonly Socket _callee = Bound();
    private ProxyTransports _transports = null!;

    private IPEndPoint ProxyEndPoint => _transports.Udp[0].LocalEndPoint;

    private int ProxyPort => ProxyEndPoint.Port;

    private int CallerPort => ((IPEndPoint)_caller.LocalEndPoint!).Port;

    private int CalleePort => ((IPEndPoint)_callee.LocalEndPoint!).Port;

    public async Task InitializeAsync()
    {
        var script = ScriptLoader.BindText(Script, "stateful-pipeline-test.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        var settings = new ProxyRunSettings(
            [new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 0))],
            [],
            ReceiveLoops: 1,
            MetricsEndPoint: null,
            new TransportLimits(),
            "stateful-pipeline-test.cfg");
        _transports = await ProxyTransports.BindAsync(
            settings,
            bound => SipRequestPipeline.Create(settings, script, bound, NullLoggerFactory.Instance),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        _transports.Start();
    }

    public async Task DisposeAsync()
    {
        _caller.Dispose();
        _callee.Dispose();
        await _transports.DisposeAsync();
    }

    [Fact]
    public async Task A_full_call_is_relayed_and_the_in_dialog_requests_follow_the_record_route()
    {
        await FromCaller(Request("INVITE", uri: $"sip:1001@127.0.0.1:{CalleePort}"));
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 100 Trying");
        var invite = await Receive(_callee);
        var recordRoute = Line(invite, "Record-Route:");
        recordRoute.ShouldBe($"Record-Route: <sip:1001@127.0.0.1:{ProxyPort};ftag=caller-tag;lr>");

        await FromCallee(Answer(invite, 180));
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 180");
        await FromCallee(Answer(invite, 200));
        var ok = await Receive(_caller);
        ok.ShouldStartWith("SIP/2.0 200");
        Line(ok, "Record-Route:").ShouldBe(recordRoute);

        // The caller's ACK and BYE go to the callee's contact through the route set.
        var route = $"Route: {recordRoute["Record-Route: ".Length..]}\r\n";
        await FromCaller(Request("ACK", uri: $"sip:1001@127.0.0.1:{CalleePort}", branch: "z9hG4bKack1", toTag: "callee-tag", extra: route));
        var ack = await Receive(_callee);
        StartLine(ack).ShouldBe($"ACK sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        Lines(ack, "Route:").ShouldBeEmpty();

        await FromCaller(Request("BYE", uri: $"sip:1001@127.0.0.1:{CalleePort}", cseq: 2, branch: "z9hG4bKbye1", toTag: "callee-tag", extra: route));
        var bye = await Receive(_callee);
        StartLine(bye).ShouldBe($"BYE sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        await FromCallee(Answer(bye, 200));
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 200");
    }

    [Fact]
    public async Task A_busy_callee_reaches_the_failure_route_which_answers_and_the_486_is_acknowledged_hop_by_hop()
    {
        await FromCaller(Request("INVITE", uri: $"sip:1001@127.0.0.1:{CalleePort}"));
        await Receive(_caller);
        var invite = await Receive(_callee);

        await FromCallee(Answer(invite, 486));

        StartLine(await Receive(_callee)).ShouldBe($"ACK sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 480 Temporarily Unavailable");
    }

    [Fact]
    public async Task A_cancel_during_ringing_ends_in_487_on_both_sides()
    {
        await FromCaller(Request("INVITE", uri: $"sip:1001@127.0.0.1:{CalleePort}"));
        await Receive(_caller);
        var invite = await Receive(_callee);
        await FromCallee(Answer(invite, 180));
        await Receive(_caller);

        await FromCaller(Request("CANCEL", uri: $"sip:1001@127.0.0.1:{CalleePort}"));

        (await Receive(_caller)).ShouldStartWith("SIP/2.0 200 OK");
        var cancel = await Receive(_callee);
        StartLine(cancel).ShouldBe($"CANCEL sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        await FromCallee(Answer(cancel, 200));
        await FromCallee(Answer(invite, 487));
        StartLine(await Receive(_callee)).ShouldBe($"ACK sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 487");
    }

    [Fact]
    public async Task A_ringing_callee_that_never_answers_is_cancelled_at_fr_inv_timer()
    {
        await FromCaller(Request("INVITE", uri: $"sip:1001@127.0.0.1:{CalleePort}"));
        await Receive(_caller);
        var invite = await Receive(_callee);
        await FromCallee(Answer(invite, 180));
        await Receive(_caller);

        // fr_inv_timer is 3 s in this script.
        var cancel = await Receive(_callee);
        StartLine(cancel).ShouldBe($"CANCEL sip:1001@127.0.0.1:{CalleePort} SIP/2.0");
        await FromCallee(Answer(cancel, 200));
        await FromCallee(Answer(invite, 487));
        await Receive(_callee);
        (await Receive(_caller)).ShouldStartWith("SIP/2.0 480");
    }

    private async Task FromCaller(string request)
        => await _caller.SendToAsync(Encoding.ASCII.GetBytes(request.Replace("127.0.0.5:5070", $"127.0.0.1:{CallerPort}", StringComparison.Ordinal)), ProxyEndPoint);

    private async Task FromCallee(string response) => await _callee.SendToAsync(Encoding.ASCII.GetBytes(response), ProxyEndPoint);

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static async Task<string> Receive(Socket socket)
    {
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(Patience);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, received);
    }
}
