using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using static NatEdge.IntegrationTests.Calls.CallLossLab;

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

    // A retransmitted BYE or ACK that reaches the callee after its call ended counts there as a
    // new, failed call; the callee's limit is only a bound, and the caller's calls are the measure.
    private const int CalleeCallLimit = 10 * Calls;

    // call_loss_uas.xml's timewait, after which the callee's last call has ended.
    private static readonly TimeSpan CalleeTimewait = TimeSpan.FromSeconds(4);

    private readonly CallLossLab _lab = new();

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

    /// <summary>Runs <paramref name="calls"/> calls between the two scenarios with the loss switched on; returns what each side saw.</summary>
    private async Task<LossRun> RunAsync(string callerScenario, string calleeScenario, int calls = Calls, int inviteTimeoutSeconds = 5)
    {
        var proxyPort = FreePorts.UdpAndTcp();
        var calleePort = FreePorts.UdpAndTcp();
        await using var proxy = await _lab.StartProxyAsync(proxyPort, inviteTimeoutSeconds);
        await _lab.RegisterCalleeAsync(proxyPort, $"sip:{Callee}@{NatLab.RelayHost}:{Port(calleePort)};transport=udp");
        _lab.StartLoss();

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
        await using var caller = StartSipp(_lab.Public, callerDirectory, CallerArguments(proxyPort, callerScenario, callerDirectory), calls);

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
        var drops = _lab.DroppedPackets();
        var sentToCallee = _lab.SentToCallee();
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

    // The callee's first events say why a call died; what follows is mostly the dead call's retransmissions.
    private static string Head(string text) => text.Length > 4000 ? text[..4000] : text;
}
