using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Issue 4, loss: the stage 1 proxy and a SIPp caller in the lab's public namespace, a registered
/// SIPp callee in the relay namespace; 10 % of the UDP between the proxy and the callee is dropped
/// in each direction (caller and proxy talk over the public namespace's own address, untouched). The
/// proxy's transactions must carry every call through by retransmitting (RFC 3261 section 17.1:
/// Timers A and E double from T1), while the caller, on a lossless path, gets the proxy's own
/// 100 Trying for each INVITE.
/// </summary>
public sealed class CallLossProcessTests : IDisposable
{
    private const int Calls = 20;
    private const string Callee = "1001";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    // A retransmitted BYE or ACK that reaches the callee after its call ended counts there as a
    // new, failed call; the callee's limit is only a bound, and the caller's calls are the measure.
    private const int CalleeCallLimit = 10 * Calls;

    // call_loss_uas.xml's timewait, after which the callee's last call has ended.
    private static readonly TimeSpan CalleeTimewait = TimeSpan.FromSeconds(4);

    // T1 100 ms, T2 400 ms; the transaction timeouts leave room for several retransmissions.
    private const string LossTimers =
        "modparam(\"tm\", \"retr_timer1\", 100)\nmodparam(\"tm\", \"retr_timer2\", 400)\n" +
        "modparam(\"tm\", \"fr_timer\", 5)\nmodparam(\"tm\", \"fr_inv_timer\", 5)";

    private readonly NatLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task Every_call_completes_across_ten_percent_loss_to_the_callee_through_proxy_retransmissions()
    {
        var run = await RunAsync("call_loss_uac.xml", "call_loss_uas.xml");

        run.CallerExit.ShouldBe(0, $"every call must succeed at the caller\n{run}");
        ShouldHaveRetransmittedThroughLoss(run, packetsPerCallWithoutLoss: 3);
        CountRequestLines(run.CalleeLog, "INVITE").ShouldBeGreaterThanOrEqualTo(Calls, run.Figures);
        CountRequestLines(run.CalleeLog, "BYE").ShouldBeGreaterThanOrEqualTo(Calls, run.Figures);
        Responses(run.CallerLog, 100).ShouldBeGreaterThanOrEqualTo(Calls, run.Figures);
    }

    [Fact]
    public async Task Every_busy_answer_reaches_the_caller_and_is_acknowledged_hop_by_hop_across_ten_percent_loss()
    {
        // A lost INVITE or 486 is made good by the proxy's INVITE retransmissions (Timer A) and the
        // callee's 486 retransmissions; a lost ACK by the callee's 486 retransmission, which the
        // proxy's completed client transaction acknowledges again (RFC 3261 17.1.1.2).
        var run = await RunAsync("call_busy_uac.xml", "call_busy_uas.xml");

        run.CallerExit.ShouldBe(0, $"every caller must get its 486\n{run}");
        ShouldHaveRetransmittedThroughLoss(run, packetsPerCallWithoutLoss: 2);
        CountRequestLines(run.CalleeLog, "ACK").ShouldBeGreaterThanOrEqualTo(Calls, "each 486 is acknowledged by the proxy: " + run.Figures);
        Responses(run.CallerLog, 486).ShouldBeGreaterThanOrEqualTo(Calls, run.Figures);
    }

    [Fact]
    public async Task Every_unanswered_call_is_cancelled_at_timer_c_and_ends_in_408_across_ten_percent_loss()
    {
        // Each call rings until fr_inv_timer, 2 s here, so that enough calls cross the loss in a short run.
        const int unanswered = 15;
        var run = await RunAsync("call_noanswer_uac.xml", "call_cancel_uas.xml", unanswered, inviteTimeoutSeconds: 2);

        run.CallerExit.ShouldBe(0, $"every caller must get 408 when the proxy gives up\n{run}");
        run.Drops.ShouldBeGreaterThan(0, run.Figures);
        CountRequestLines(run.CalleeLog, "CANCEL").ShouldBeGreaterThanOrEqualTo(unanswered, "the proxy cancels each ringing branch: " + run.Figures);
        Responses(run.CallerLog, 408).ShouldBeGreaterThanOrEqualTo(unanswered, run.Figures);
    }

    /// <summary>Packets were lost, and the proxy sent the callee more than the calls need without loss: its retransmissions.</summary>
    private static void ShouldHaveRetransmittedThroughLoss(LossRun run, int packetsPerCallWithoutLoss)
    {
        run.Drops.ShouldBeGreaterThan(0, run.Figures);
        run.SentToCallee.ShouldBeGreaterThan(packetsPerCallWithoutLoss * Calls, "the proxy must retransmit what the loss ate: " + run.Figures);
    }

    /// <summary>The responses with status <paramref name="code"/> in a SIPp message log.</summary>
    private static int Responses(string log, int code) =>
        Regex.Count(log, $"^SIP/2\\.0 {code.ToString(CultureInfo.InvariantCulture)} ", RegexOptions.Multiline);

    /// <summary>Runs <paramref name="calls"/> calls between the two scenarios with the loss switched on; returns what each side saw.</summary>
    private async Task<LossRun> RunAsync(string callerScenario, string calleeScenario, int calls = Calls, int inviteTimeoutSeconds = 5)
    {
        var proxyPort = FreePorts.UdpAndTcp();
        var calleePort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(proxyPort, inviteTimeoutSeconds);
        await RegisterCalleeAsync(proxyPort, calleePort);

        // Both directions are lost on receipt: a DROP in OUTPUT would make the callee's sendto()
        // fail with EPERM, which SIPp takes as the end of the call rather than as a lost packet.
        AddLoss(_lab.Relay);
        AddLoss(_lab.Public, "-s", NatLab.RelayHost.ToString());

        // Counts, without dropping, what the proxy sends to the callee: each call's INVITE, ACK and BYE plus every retransmission.
        NatLab.Exec(_lab.Public, "iptables", "-A", "OUTPUT", "-p", "udp", "-d", NatLab.RelayHost.ToString(), "-j", "ACCEPT");

        using var calleeDirectory = new TempDirectory("natedge-sipp-loss-uas-");
        await using var callee = StartSipp(
            _lab.Relay,
            calleeDirectory,
            [
                "-sf", Sipp.Scenario(calleeScenario),
                "-i", NatLab.RelayHost.ToString(),
                "-p", Port(calleePort),
                "-trace_msg", "-message_file", Path.Combine(calleeDirectory.Path, "messages.log"),
            ],
            calls: CalleeCallLimit);

        // SIPp opens its socket before reading the scenario's first message; a short settle keeps the first INVITE from arriving first.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        using var callerDirectory = new TempDirectory("natedge-sipp-loss-uac-");
        await using var caller = StartSipp(
            _lab.Public,
            callerDirectory,
            [
                $"{NatLab.ProxyHost}:{Port(proxyPort)}",
                "-sf", Sipp.Scenario(callerScenario),
                "-s", Callee,
                "-i", NatLab.ProxyHost.ToString(),
                "-p", Port(FreePorts.UdpAndTcp()),
                "-l", "1",
                "-recv_timeout", "10000",
                "-trace_msg", "-message_file", Path.Combine(callerDirectory.Path, "messages.log"),
            ],
            calls: calls);

        var callerExit = await caller.WaitForExitAsync(RunTimeout + TimeSpan.FromSeconds(10));
        var callerErrors = ReadIfPresent(callerDirectory, "errors.log");

        // SIGUSR1 makes SIPp stop taking calls and exit once its current ones end, flushing its message log.
        await Task.Delay(CalleeTimewait);
        if (!callee.HasExited)
        {
            callee.Signal("USR1");
        }

        await callee.WaitForExitAsync(RunTimeout);
        var calleeErrors = ReadIfPresent(calleeDirectory, "errors.log");
        var drops = DroppedPackets();
        var sentToCallee = SentToCallee();
        var calleeLog = ReadIfPresent(calleeDirectory, "messages.log");
        var callerLog = ReadIfPresent(callerDirectory, "messages.log");
        var figures = $"{callerScenario}: calls {calls}, dropped {drops}, proxy to callee {sentToCallee} packets, " +
            $"INVITEs at the callee {CountRequestLines(calleeLog, "INVITE")}, ACKs {CountRequestLines(calleeLog, "ACK")}, " +
            $"CANCELs {CountRequestLines(calleeLog, "CANCEL")}, BYEs {CountRequestLines(calleeLog, "BYE")}";
        Console.WriteLine(figures);
        return new LossRun(callerExit, $"{caller.Output}\n{callerErrors}\ncallee, first events:\n{Head(calleeErrors)}", drops, sentToCallee, calleeLog, callerLog, figures);
    }

    private sealed record LossRun(int CallerExit, string Diagnostics, long Drops, long SentToCallee, string CalleeLog, string CallerLog, string Figures)
    {
        public override string ToString() => $"{Figures}\n{Diagnostics}";
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private async Task<NatProxyHandle> StartProxyAsync(int port, int inviteTimeoutSeconds)
    {
        var directory = new TempDirectory("natedge-loss-proxy-");
        var config = RegistrarProxy.StageOne().Replace(
            "modparam(\"usrloc\", \"db_mode\", 0)",
            "modparam(\"usrloc\", \"db_mode\", 0)\n" + LossTimers.Replace("\"fr_inv_timer\", 5", $"\"fr_inv_timer\", {inviteTimeoutSeconds}", StringComparison.Ordinal),
            StringComparison.Ordinal);
        var path = directory.File("proxy.cfg", config);
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", _lab.Public, "dotnet", BuiltExecutables.ProxyDll, "run", "--config", path, "--listen", $"udp:{NatLab.ProxyHost}:{Port(port)}"],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        var handle = new NatProxyHandle(process, directory);
        try
        {
            await process.WaitForOutputAsync(ProxyProcess.StartedLine, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await handle.DisposeAsync();
            throw;
        }

        return handle;
    }

    /// <summary>Registers the callee from the relay namespace before any loss is switched on.</summary>
    private async Task RegisterCalleeAsync(int proxyPort, int calleePort)
    {
        using var socket = NetworkNamespace.CreateUdp(_lab.Relay);
        socket.Bind(new IPEndPoint(NatLab.RelayHost, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var domain = NatLab.ProxyHost.ToString();
        var request = string.Create(
            CultureInfo.InvariantCulture,
            $"REGISTER sip:{domain}:{proxyPort} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {local.Address}:{local.Port};branch=z9hG4bK-reg-{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\n" +
            $"From: <sip:{Callee}@{domain}>;tag=reg\r\n" +
            $"To: <sip:{Callee}@{domain}>\r\n" +
            $"Call-ID: reg-{Guid.NewGuid():N}@{local.Address}\r\n" +
            $"CSeq: 1 REGISTER\r\n" +
            $"Contact: <sip:{Callee}@{NatLab.RelayHost}:{calleePort};transport=udp>\r\n" +
            $"Expires: 600\r\n" +
            $"Content-Length: 0\r\n\r\n");
        await socket.SendToAsync(Encoding.ASCII.GetBytes(request), new IPEndPoint(NatLab.ProxyHost, proxyPort));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(RawSipClient.ReplyTimeout);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var reply = Encoding.ASCII.GetString(buffer, 0, received);
        RawSipClient.StatusCode(reply).ShouldBe(200, reply);
    }

    private static void AddLoss(string ns, params string[] match) =>
        NatLab.Exec(ns, ["iptables", "-A", "INPUT", "-p", "udp", .. match, "-m", "statistic", "--mode", "random", "--probability", "0.1", "-j", "DROP"]);

    /// <summary>The packet counters of the loss rules: toward the callee (relay) and from it (public).</summary>
    private long DroppedPackets() => DroppedPackets(_lab.Relay) + DroppedPackets(_lab.Public);

    private long SentToCallee()
    {
        var listing = NatLab.Exec(_lab.Public, "iptables", "-L", "OUTPUT", "-v", "-n", "-x");
        var rule = Regex.Match(listing, @"^\s*(\d+)\s+\d+\s+ACCEPT\s", RegexOptions.Multiline);
        rule.Success.ShouldBeTrue(listing);
        return long.Parse(rule.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static long DroppedPackets(string ns)
    {
        var listing = NatLab.Exec(ns, "iptables", "-L", "-v", "-n", "-x");
        long total = 0;
        foreach (Match rule in Regex.Matches(listing, @"^\s*(\d+)\s+\d+\s+DROP\s", RegexOptions.Multiline))
        {
            total += long.Parse(rule.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    private static int CountRequestLines(string log, string method) =>
        Regex.Count(log, $"^{method} sip:", RegexOptions.Multiline);

    private static ChildProcess StartSipp(string ns, TempDirectory directory, IEnumerable<string> scenarioArguments, int calls) =>
        ChildProcess.Start(
            "ip",
            [
                "netns", "exec", ns, Sipp.Executable,
                .. scenarioArguments,
                "-m", calls.ToString(CultureInfo.InvariantCulture),
                "-t", "u1",
                "-timeout", ((int)RunTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
                "-timeout_error",
                "-nostdin",
                "-trace_err", "-error_file", Path.Combine(directory.Path, "errors.log"),
            ],
            directory.Path);

    private static string ReadIfPresent(TempDirectory directory, string name)
    {
        var path = Path.Combine(directory.Path, name);
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    // The callee's first events say why a call died; what follows is mostly the dead call's retransmissions.
    private static string Head(string text) => text.Length > 4000 ? text[..4000] : text;

    /// <summary>The proxy process inside the lab and its working directory.</summary>
    private sealed class NatProxyHandle(ChildProcess process, TempDirectory directory) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            directory.Dispose();
        }
    }
}
