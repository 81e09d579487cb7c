using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Routing;

/// <summary>
/// The real proxy running a route script: each request gets exactly the reply (status and
/// reason) the branch it takes says, over UDP and TCP; what the script leaves unanswered stays
/// unanswered, as in SER; return(0) in a called route ends the whole script.
/// </summary>
public class ScriptRoutingProcessTests
{
    private const string Script = """
        # Branches on every kind of test a route script makes.
        fork=no
        children=2
        loadmodule "sl.so"
        loadmodule "textops.so"

        route {
            if (method == "OPTIONS" && uri == myself) {
                sl_send_reply("200", "Probe Answered");
                break;
            };
            if (search("^X-Test: flag")) {
                setflag(3);
            };
            if (isflagset(3)) {
                sl_send_reply("299", "Flag Three Set");
                break;
            };
            if (uri =~ "^sip:regex-[0-9]+@") {
                sl_send_reply("280", "Regex Matched");
                break;
            };
            if (uri == "sip:exact@natedge.invalid") {
                sl_send_reply("281", "Exact Uri");
                break;
            };
            if (method == "MESSAGE" && proto == tcp) {
                sl_send_reply("282", "Message Over TCP");
                break;
            };
            if (method == "MESSAGE" && src_ip == 127.0.0.1) {
                sl_send_reply("283", "Message From Loopback");
                break;
            };
            if (method == "INFO") {
                route(2);
                if (isflagset(5)) {
                    sl_send_reply("284", "Route Two Returned");
                } else {
                    sl_send_reply("485", "Flag Five Not Set");
                };
                break;
            };
            if (method == "SUBSCRIBE") {
                # Neither answered nor relayed: the request stays unanswered.
                break;
            };
            sl_send_reply("404", "Nothing Matched");
        }

        route[2] {
            if (search("^X-Answer: stop")) {
                sl_send_reply("286", "Stopped In Route Two");
                return(0);
            };
            setflag(5);
            return(1);
        }
        """;

    private static Task<ProxyProcess> StartAsync(string script)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        return ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "routing.cfg", "--listen", $"udp:127.0.0.1:{p}", "--listen", $"tcp:127.0.0.1:{p}"],
            port,
            directory => directory.File("routing.cfg", script));
    }

    private static string StatusLine(string reply) => reply[..reply.IndexOf("\r\n", StringComparison.Ordinal)];

    [Theory]
    [InlineData("OPTIONS", "sip:127.0.0.1:{port}", "", "SIP/2.0 200 Probe Answered")]
    [InlineData("MESSAGE", "sip:regex-42@natedge.invalid", "", "SIP/2.0 280 Regex Matched")]
    [InlineData("MESSAGE", "sip:exact@natedge.invalid", "", "SIP/2.0 281 Exact Uri")]
    [InlineData("MESSAGE", "sip:exact@natedge.invalid;x=1", "", "SIP/2.0 283 Message From Loopback")]
    [InlineData("INVITE", "sip:bob@natedge.invalid", "X-Test: flag\r\n", "SIP/2.0 299 Flag Three Set")]
    [InlineData("INVITE", "sip:bob@natedge.invalid", "X-Test: other\r\n", "SIP/2.0 404 Nothing Matched")]
    [InlineData("OPTIONS", "sip:127.0.0.2", "", "SIP/2.0 404 Nothing Matched")]
    [InlineData("INFO", "sip:bob@natedge.invalid", "", "SIP/2.0 284 Route Two Returned")]
    public async Task Each_request_gets_the_reply_of_the_branch_it_takes_over_udp(string method, string uri, string headers, string expected)
    {
        await using var proxy = await StartAsync(Script);
        var requestUri = uri.Replace("{port}", proxy.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options(requestUri, "UDP", "phone.natedge.invalid", rport: true, headers, method));

        StatusLine(reply).ShouldBe(expected);
    }

    [Fact]
    public async Task Proto_tells_tcp_from_udp_and_the_reply_comes_back_on_the_connection()
    {
        await using var proxy = await StartAsync(Script);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.EndPoint);

        await socket.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options("sip:other@natedge.invalid", "TCP", "phone.natedge.invalid", rport: true, method: "MESSAGE")));
        StatusLine((await RawSipClient.ReadMessageAsync(socket))!).ShouldBe("SIP/2.0 282 Message Over TCP");

        var overUdp = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options("sip:other@natedge.invalid", "UDP", "phone.natedge.invalid", rport: true, method: "MESSAGE"));
        StatusLine(overUdp).ShouldBe("SIP/2.0 283 Message From Loopback");
    }

    [Fact]
    public async Task A_request_the_script_does_not_answer_stays_unanswered()
    {
        await using var proxy = await StartAsync(Script);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await client.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options("sip:bob@natedge.invalid", "UDP", "phone.natedge.invalid", rport: true, method: "SUBSCRIBE")), proxy.EndPoint);
        await Should.ThrowAsync<OperationCanceledException>(() => RawSipClient.ReceiveUdpAsync(client, TimeSpan.FromMilliseconds(700)));

        // The loop that took it goes on routing.
        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}", "UDP", "phone.natedge.invalid", rport: true));
        StatusLine(reply).ShouldBe("SIP/2.0 200 Probe Answered");
    }

    [Fact]
    public async Task Return_zero_in_a_called_route_ends_the_script()
    {
        await using var proxy = await StartAsync(Script);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await client.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options("sip:bob@natedge.invalid", "UDP", "phone.natedge.invalid", rport: true, "X-Answer: stop\r\n", "INFO")), proxy.EndPoint);

        StatusLine((await RawSipClient.ReceiveUdpAsync(client)).Text).ShouldBe("SIP/2.0 286 Stopped In Route Two");
        await Should.ThrowAsync<OperationCanceledException>(() => RawSipClient.ReceiveUdpAsync(client, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Sipp_options_get_the_scripts_reply()
    {
        await using var proxy = await StartAsync(Script);

        var result = await Sipp.RunClientAsync(
            Sipp.Scenario("options_uac.xml"),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            calls: 10,
            "u1",
            localAddress: "127.0.0.1",
            timeout: TimeSpan.FromSeconds(20));

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_script_with_errors_makes_run_exit_2_printing_every_diagnostic()
    {
        NetworkIsolation.Require();
        using var directory = new TempDirectory();
        directory.File("broken.cfg", """
            loadmodule "sl.so"
            route {
                sl_send_replay("404", "Not Found");
                route(7);
            }
            """);

        await using var process = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["run", "--config", "broken.cfg"], directory.Path);

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(2);
        process.Output.ShouldContain("broken.cfg:3:5: error: unknown function 'sl_send_replay'");
        process.Output.ShouldContain("did you mean 'sl_send_reply'?");
        process.Output.ShouldContain("broken.cfg:4:");
        process.Output.ShouldContain("route[7]");
        process.Output.ShouldNotContain(ProxyProcess.StartedLine);
    }

    [Theory]
    [InlineData("natedge.cfg")]
    [InlineData("stage1-hello.cfg")]
    [InlineData("stage2-auth-db.cfg")]
    [InlineData("stage3-nat.cfg")]
    public async Task Check_accepts_the_default_config_and_the_guide_stages(string name)
    {
        var path = Path.Combine(BuiltExecutables.RepositoryRoot, "config", name);

        await using var process = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["check", path]);

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, process.Output);
        process.Output.ShouldNotContain(": error: ");
        process.Output.ShouldContain("configuration OK");
    }
}
