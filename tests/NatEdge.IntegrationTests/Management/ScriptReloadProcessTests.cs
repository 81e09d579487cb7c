using System.Globalization;
using NatEdge.IntegrationTests.Calls;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Management;

/// <summary>
/// Issue 12, reload: the stage 1 proxy carries SIPp calls while its script is replaced through
/// <c>ctl reload</c> and SIGHUP. A good script changes what the proxy answers at once and no call
/// fails; a broken one is refused with its diagnostics and nothing changes.
/// </summary>
public sealed class ScriptReloadProcessTests : IDisposable
{
    private const int Calls = 40;
    private readonly TempDirectory _sockets = new("natedge-reload-");

    private string SocketPath => Path.Combine(_sockets.Path, "natedge.ctl");

    public void Dispose() => _sockets.Dispose();

    [Fact]
    public async Task Reload_changes_the_answers_under_a_call_load_and_a_broken_script_changes_nothing()
    {
        await using var proxy = await RegistrarProxy.StartAsync(Script("first"));
        var config = Path.Combine(proxy.WorkingDirectory, "proxy.cfg");
        (await ControlSocketProcessTests.OptionsReasonAsync(proxy)).ShouldBe("first");

        var calleePort = FreePorts.UdpAndTcp();
        await CallLab.RegisterAsync(proxy, "1001", calleePort, $"reg-{Guid.NewGuid():N}@127.0.0.1");
        await using var callee = CallLab.StartCallee("call_uas.xml", calleePort, Calls);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var load = Sipp.RunClientAsync(
            Sipp.Scenario("call_uac.xml"),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            Calls,
            "u1",
            localAddress: "127.0.0.1",
            TimeSpan.FromSeconds(60),
            ["-s", "1001", "-r", "10", "-l", "5"]);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await File.WriteAllTextAsync(config, Script("second"));
        var reloaded = await ProxyCtl.RunAsync("--control-socket", SocketPath, "reload");
        reloaded.ShouldBe(new ProxyCtl.Result(0, "reloaded proxy.cfg\n", ""));
        (await ControlSocketProcessTests.OptionsReasonAsync(proxy)).ShouldBe("second");

        await File.WriteAllTextAsync(config, Script("third").Replace("sl_send_reply(\"200\", \"third\")", "no_such_function()", StringComparison.Ordinal));
        var refused = await ProxyCtl.RunAsync("--control-socket", SocketPath, "reload");
        refused.ExitCode.ShouldBe(1, refused.Output);
        refused.Error.ShouldStartWith("reload of proxy.cfg refused; the running script stays\n");
        refused.Error.ShouldContain("no_such_function");
        (await ControlSocketProcessTests.OptionsReasonAsync(proxy)).ShouldBe("second");

        var calls = await load;
        var answered = await callee.WaitAsync();
        calls.ExitCode.ShouldBe(0, $"every call of the load succeeds across both reloads\n{calls}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, answered.ToString());
    }

    [Fact]
    public async Task SIGHUP_reloads_the_script_and_reports_what_needs_a_restart()
    {
        await using var proxy = await RegistrarProxy.StartAsync(Script("first"));
        var config = Path.Combine(proxy.WorkingDirectory, "proxy.cfg");

        // children= sizes the receive loops made at start: the new script applies, the new value waits for a restart.
        await File.WriteAllTextAsync(config, Script("second").Replace("children=4", "children=2", StringComparison.Ordinal));
        proxy.Process.Signal("HUP");
        await proxy.Process.WaitForOutputAsync("reloaded; needs a restart to apply: children: 4 -> 2", TimeSpan.FromSeconds(10));

        (await ControlSocketProcessTests.OptionsReasonAsync(proxy)).ShouldBe("second");
        proxy.Process.HasExited.ShouldBeFalse("SIGHUP reloads; it does not stop the proxy");
    }

    [Fact]
    public async Task A_transaction_in_flight_at_a_reload_finishes_under_the_script_it_started_with()
    {
        // Every INVITE arms failure_route[1], which answers 480 with the script's own reason; the
        // callee's port takes the INVITE and never answers, so the 5 s INVITE timer ends it.
        await using var proxy = await RegistrarProxy.StartAsync(WithFailureRoute(Script("first"), "first"));
        var config = Path.Combine(proxy.WorkingDirectory, "proxy.cfg");
        using var silentCallee = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var calleePort = ((System.Net.IPEndPoint)silentCallee.Client.LocalEndPoint!).Port;
        await CallLab.RegisterAsync(proxy, "1001", calleePort, $"reg-{Guid.NewGuid():N}@127.0.0.1");

        using var caller = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var sent = System.Diagnostics.Stopwatch.StartNew();
        await caller.SendAsync(System.Text.Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, proxy, "1001")), proxy.EndPoint);
        (await RawSipClient.ReceiveUdpAsync(silentCallee)).Text.ShouldStartWith("INVITE ");

        await File.WriteAllTextAsync(config, WithFailureRoute(Script("second"), "second"));
        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "reload")).ExitCode.ShouldBe(0);
        sent.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4), "the reload is done while the INVITE still waits for its timer");

        (await FinalAnswerAsync(caller)).ShouldStartWith("SIP/2.0 480 first\r\n", customMessage: "the INVITE began under the first script");

        using var laterCaller = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        await laterCaller.SendAsync(System.Text.Encoding.ASCII.GetBytes(RegistrarProxy.Invite(laterCaller, proxy, "1001")), proxy.EndPoint);
        (await FinalAnswerAsync(laterCaller)).ShouldStartWith("SIP/2.0 480 second\r\n", customMessage: "an INVITE after the reload runs the second script");
    }

    private static async Task<string> FinalAnswerAsync(System.Net.Sockets.UdpClient caller)
    {
        while (true)
        {
            // The final answer comes when the 5 s INVITE timer fires.
            var reply = (await RawSipClient.ReceiveUdpAsync(caller, TimeSpan.FromSeconds(10))).Text;
            if (RawSipClient.StatusCode(reply) >= 200)
            {
                return reply;
            }
        }
    }

    /// <summary>A 5 s INVITE timer and a failure route that answers 480 <paramref name="reason"/>.</summary>
    private static string WithFailureRoute(string config, string reason)
    {
        const string Relay = "route[1] {\n\tif (!t_relay()) {";
        config.ShouldContain(Relay);
        return config
            .Replace("modparam(\"usrloc\", \"db_mode\", 0)", "modparam(\"usrloc\", \"db_mode\", 0)\nmodparam(\"tm\", \"fr_inv_timer\", 5)", StringComparison.Ordinal)
            .Replace(Relay, "route[1] {\n\tt_on_failure(\"1\");\n\tif (!t_relay()) {", StringComparison.Ordinal)
            + $"\nfailure_route[1] {{\n\tt_reply(\"480\", \"{reason}\");\n}}\n";
    }

    /// <summary>Stage 1 with its control socket, answering OPTIONS to itself with <paramref name="reason"/>.</summary>
    private string Script(string reason)
    {
        var config = RegistrarProxy.StageOne()
            .Replace("children=4", $"children=4\nfifo=\"{SocketPath}\"", StringComparison.Ordinal);
        const string Anchor = "\t# Stay on the path of every dialog except registrations.";
        config.ShouldContain(Anchor);
        return config.Replace(
            Anchor,
            $"\tif (method == \"OPTIONS\" && uri == myself) {{\n\t\tsl_send_reply(\"200\", \"{reason}\");\n\t\tbreak;\n\t}};\n\n{Anchor}",
            StringComparison.Ordinal);
    }
}
