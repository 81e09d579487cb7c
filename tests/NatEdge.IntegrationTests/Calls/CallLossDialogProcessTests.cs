using NatEdge.IntegrationTests.Infrastructure;
using static NatEdge.IntegrationTests.Calls.CallLossLab;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Issue 4, loss, for the flows with more than one transaction per call: a CANCEL during ringing,
/// a call forked to two contacts, a re-INVITE inside the dialog. A SIPp caller on the lossless side
/// (its responses matched to their transactions by branch), and callees that keep RFC 3261's UAS
/// rules (<see cref="UdpCallee"/>) behind 10 % loss each way. Only the proxy's retransmissions carry
/// its requests across the loss; the callees count the requests that reached them and note any that
/// broke the proxy's rules. The callees never send 100 Trying, so each 100 the caller gets is the proxy's own.
/// </summary>
public sealed class CallLossDialogProcessTests : IDisposable
{
    private const int Calls = 20;

    // The callers stay in each call 4 s after its end to acknowledge a late 200 OK; calls overlap so that the runs stay short.
    private const int ConcurrentCalls = 10;

    // The callees' 2xx and 487 retransmissions stop at their ACK; a last lost ACK is made good within T2 plus a round trip.
    private static readonly TimeSpan LastAckGrace = TimeSpan.FromSeconds(2);

    private readonly CallLossLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task A_CANCEL_during_ringing_ends_in_487_on_both_sides_across_ten_percent_loss()
    {
        await using var callee = _lab.StartUdpCallee(CalleeAnswer.RingUntilCancelled, TimeSpan.Zero);

        // Without loss each call sends the callee its INVITE, the CANCEL and the ACK of the 487.
        var run = await RunAsync("call_cancel_loss_uac.xml", packetsPerCallWithoutLoss: 3, callee);

        Responses(run.CallerLog, 487).ShouldBeGreaterThanOrEqualTo(Calls, run.Figures);
        callee.Requests("INVITE").ShouldBe(Calls, run.ToString());
        callee.Requests("CANCEL").ShouldBe(Calls, "the proxy cancels each ringing INVITE once, on its branch: " + run);
        callee.AcknowledgedFinals(487).ShouldBe(Calls, "each 487 of the callee is acknowledged hop by hop: " + run);
        Responses(run.CallerLog, 100).ShouldBeGreaterThanOrEqualTo(Calls, "the proxy's own 100 Trying: " + run.Figures);
    }

    [Fact]
    public async Task A_user_with_two_contacts_rings_both_and_the_first_200_cancels_the_other_across_ten_percent_loss()
    {
        // Answering half a second after ringing leaves the other contact time to ring first.
        await using var answering = _lab.StartUdpCallee(CalleeAnswer.AnswerAfterRinging, TimeSpan.FromMilliseconds(500));
        await using var ringing = _lab.StartUdpCallee(CalleeAnswer.RingUntilCancelled, TimeSpan.Zero);

        // Without loss: INVITE, ACK and BYE to the contact that answers; INVITE, CANCEL and ACK of the 487 to the other.
        var run = await RunAsync("call_fork_loss_uac.xml", packetsPerCallWithoutLoss: 6, answering, ringing);

        answering.Requests("INVITE").ShouldBe(Calls, run.ToString());
        ringing.Requests("INVITE").ShouldBe(Calls, "each call rings both contacts: " + run);
        answering.AcknowledgedFinals(200).ShouldBe(Calls, "the caller's ACK of each 200 OK reaches the contact that answered: " + run);
        answering.Requests("BYE").ShouldBe(Calls, run.ToString());
        answering.Requests("CANCEL").ShouldBe(0, "the branch that answered is never cancelled: " + run);
        ringing.Requests("CANCEL").ShouldBe(Calls, "the first 200 OK cancels the other branch: " + run);
        ringing.AcknowledgedFinals(487).ShouldBe(Calls, "the cancelled branch's 487 is acknowledged hop by hop: " + run);
        Responses(run.CallerLog, 100).ShouldBeGreaterThanOrEqualTo(Calls, "the proxy's own 100 Trying: " + run.Figures);
    }

    [Fact]
    public async Task A_re_INVITE_inside_the_dialog_is_loose_routed_across_ten_percent_loss()
    {
        await using var callee = _lab.StartUdpCallee(CalleeAnswer.AnswerAfterRinging, TimeSpan.FromMilliseconds(100));

        // Without loss: INVITE, ACK, re-INVITE, ACK and BYE.
        var run = await RunAsync("call_reinvite_loss_uac.xml", packetsPerCallWithoutLoss: 5, callee);

        callee.ReInvites.ShouldBe(Calls, "each re-INVITE reaches the callee, loose-routed: " + run);
        callee.AcknowledgedFinals(200).ShouldBe(2 * Calls, "the ACKs of both 200 OKs reach the callee: " + run);
        callee.Requests("BYE").ShouldBe(Calls, run.ToString());
        Responses(run.CallerLog, 100).ShouldBeGreaterThanOrEqualTo(2 * Calls, "the proxy's own 100 Trying to each INVITE: " + run.Figures);
    }

    /// <summary>
    /// Registers the callees, switches the loss on and runs <see cref="Calls"/> calls of
    /// <paramref name="callerScenario"/>; then checks what every run must show: every call ended as
    /// the scenario expects, packets from the proxy were lost on their way to the callees, the proxy
    /// sent the callees more packets than the calls need without loss, and no callee saw a request
    /// that broke the proxy's rules. With the tests' own check that every request reached its
    /// callee, this shows the proxy sent again what the loss ate.
    /// </summary>
    private async Task<DialogRun> RunAsync(string callerScenario, int packetsPerCallWithoutLoss, params UdpCallee[] callees)
    {
        var proxyPort = FreePorts.UdpAndTcp();
        await using var proxy = await _lab.StartProxyAsync(proxyPort);
        foreach (var callee in callees)
        {
            await _lab.RegisterCalleeAsync(proxyPort, callee.Contact);
        }

        _lab.StartLoss();
        using var callerDirectory = new TempDirectory("natedge-sipp-loss-uac-");
        await using var caller = StartSipp(_lab.Public, callerDirectory, CallerArguments(proxyPort, callerScenario, callerDirectory, ConcurrentCalls), Calls);
        var callerExit = await caller.WaitForExitAsync(RunTimeout + TimeSpan.FromSeconds(10));
        await Task.Delay(LastAckGrace);

        var drops = _lab.DroppedPackets();
        var dropsTowardCallees = _lab.DroppedTowardCallees();
        var sentToCallees = _lab.SentToCallee();
        var callerLog = ReadIfPresent(callerDirectory, "messages.log");
        var figures = $"{callerScenario}: calls {Calls}, dropped {drops} ({dropsTowardCallees} toward the callees), " +
            $"proxy to callees {sentToCallees} packets (without loss {packetsPerCallWithoutLoss * Calls}), " +
            $"requests the callees got again after their answer was lost {callees.Sum(c => c.RetransmittedRequests)}";
        Console.WriteLine(figures);
        var diagnostics = $"{caller.Output}\n{ReadIfPresent(callerDirectory, "errors.log")}\nproxy, last lines:\n{proxy.OutputTail}\n" +
            string.Join("\n", callees.Select((c, i) => $"callee {i} ({c.Contact}), first events:\n{c.Journal}"));
        var run = new DialogRun(callerLog, figures, diagnostics);

        callerExit.ShouldBe(0, $"every call must reach the end of {callerScenario} at the caller\n{run}");
        dropsTowardCallees.ShouldBeGreaterThan(0, run.ToString());
        sentToCallees.ShouldBeGreaterThan(packetsPerCallWithoutLoss * Calls, "the proxy must retransmit what the loss ate: " + run);
        foreach (var callee in callees)
        {
            callee.Violations.ShouldBeEmpty(run.ToString());
        }

        return run;
    }

    private sealed record DialogRun(string CallerLog, string Figures, string Diagnostics)
    {
        public override string ToString() => $"{Figures}\n{Diagnostics}";
    }
}
