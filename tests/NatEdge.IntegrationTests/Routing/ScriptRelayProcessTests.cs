using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Routing;

/// <summary>
/// t_relay from the script of the real proxy: the request goes to its Request-URI with the
/// proxy's Via on top and one hop less, the downstream answer comes back upstream with its
/// status and reason, and a failure_route armed by t_on_failure replaces a negative answer.
/// </summary>
public class ScriptRelayProcessTests
{
    private const string Script = """
        fork=no
        loadmodule "sl.so"
        loadmodule "textops.so"
        loadmodule "tm.so"

        route {
            if (uri == myself) {
                sl_send_reply("404", "Not Here");
                break;
            };
            if (search("^X-Fail-Over: yes")) {
                t_on_failure("1");
            };
            if (!t_relay()) {
                sl_reply_error();
            };
        }

        failure_route[1] {
            t_reply("480", "Failed Over By Script");
        }
        """;

    [Theory]
    [InlineData("", 200, "OK From Downstream", "SIP/2.0 200 OK From Downstream")]
    [InlineData("", 486, "Busy Downstream", "SIP/2.0 486 Busy Downstream")]
    [InlineData("X-Fail-Over: yes\r\n", 486, "Busy Downstream", "SIP/2.0 480 Failed Over By Script")]
    public async Task A_relayed_request_gets_the_downstream_answer_or_the_failure_routes(string headers, int downstreamStatus, string downstreamReason, string expected)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "relay.cfg", "--listen", $"udp:127.0.0.1:{p}"],
            port,
            directory => directory.File("relay.cfg", Script));
        using var downstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var downstreamPort = ((IPEndPoint)downstream.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        var request = RawSipClient.Options($"sip:bob@127.0.0.1:{downstreamPort}", "UDP", "phone.natedge.invalid", rport: true, headers, "MESSAGE");
        await caller.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);

        var (forwarded, from) = await RawSipClient.ReceiveUdpAsync(downstream);
        forwarded.ShouldStartWith($"MESSAGE sip:bob@127.0.0.1:{downstreamPort} SIP/2.0\r\n");
        RawSipClient.TopVia(forwarded).ShouldStartWith($"Via: SIP/2.0/UDP 127.0.0.1:{p};branch=z9hG4bK");
        forwarded.ShouldContain("\r\nMax-Forwards: 69\r\n", customMessage: "RFC 3261 16.6 step 3");
        forwarded.ShouldContain("phone.natedge.invalid", customMessage: "the caller's Via stays below the proxy's");

        await downstream.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Answer(forwarded, downstreamStatus, downstreamReason, "downstream1")), from);

        var (reply, _) = await RawSipClient.ReceiveUdpAsync(caller);
        reply[..reply.IndexOf("\r\n", StringComparison.Ordinal)].ShouldBe(expected);
        RawSipClient.TopVia(reply).ShouldContain("phone.natedge.invalid", customMessage: "the proxy's own Via is removed on the way back");
    }

    /// <summary>
    /// A target the proxy cannot resolve (no DNS in the test namespace; .invalid never resolves,
    /// RFC 6761) or cannot reach (no route to 192.0.2.0/24 from a namespace with only loopback)
    /// is answered at once through sl_reply_error, never left to Timer F. The codes are
    /// sl_reply_error's mapping of t_relay's error (route-script.md section 5, as in SER and
    /// Kamailio): 478 for a destination that does not resolve, 477 for a send that fails.
    /// </summary>
    [Theory]
    [InlineData("sip:bob@unknown.natedge.invalid", "478")]
    [InlineData("sip:bob@192.0.2.99", "477")]
    public async Task A_target_that_cannot_be_resolved_or_reached_is_answered_at_once(string target, string expectedStatus)
    {
        NetworkIsolation.ForeignInterfaces().ShouldBeEmpty(
            "this test addresses 192.0.2.99, which must be unreachable: run it inside a namespace with only loopback (tests/run-all.sh)");
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "relay.cfg", "--listen", $"udp:127.0.0.1:{p}"],
            port,
            directory => directory.File("relay.cfg", Script));
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        var started = System.Diagnostics.Stopwatch.StartNew();
        await caller.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options(target, "UDP", "phone.natedge.invalid", rport: true, "", "MESSAGE")), proxy.EndPoint);
        var (reply, _) = await RawSipClient.ReceiveUdpAsync(caller);

        reply[8..11].ShouldBe(expectedStatus, reply[..reply.IndexOf("\r\n", StringComparison.Ordinal)]);
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2), "the answer comes at once, not after Timer F (32 s)");
    }
}
