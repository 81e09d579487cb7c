using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Issue 4's call flows as processes: the stage 1 proxy between a SIPp caller and SIPp callees
/// registered as 1001; the scenarios in loadtest/sipp/ check the headers each side receives.
/// </summary>
public sealed class CallFlowProcessTests
{
    [Fact]
    public async Task A_full_call_has_ACK_and_BYE_follow_the_Record_Route()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_uac.xml", "1001");
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_call_to_an_unknown_user_gets_404()
    {
        await using var proxy = await CallLab.StartProxyAsync();

        var caller = await CallLab.CallAsync(proxy, "call_unknown_uac.xml", "1999");

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_busy_callee_486_reaches_the_caller_and_each_hop_acknowledges_it()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_busy_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_busy_uac.xml", "1001");
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_CANCEL_during_ringing_ends_in_487_on_both_sides()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_cancel_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_cancel_uac.xml", "1001");
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_callee_that_rings_and_never_answers_is_cancelled_and_the_caller_gets_408()
    {
        await using var proxy = await CallLab.StartProxyAsync(CallLab.ShortTimers);

        // The proxy's own CANCEL at Timer C is what this callee expects; it answers it 200 and its INVITE 487.
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_cancel_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_noanswer_uac.xml", "1001");
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_user_with_two_contacts_rings_both_and_the_first_200_cancels_the_other()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var ringing = await CallLab.RegisteredCalleeAsync(proxy, "call_cancel_uas.xml");
        await using var answering = await CallLab.RegisteredCalleeAsync(proxy, "call_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_uac.xml", "1001");
        var answered = await answering.WaitAsync();
        var cancelled = await ringing.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\nanswering: {answered}\nringing: {cancelled}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"answering: {answered}\nproxy:\n{proxy.Process.Output}");
        cancelled.ExitCode.ShouldBe(0, $"ringing: {cancelled}\nproxy:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_re_INVITE_inside_the_dialog_is_loose_routed()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_reinvite_uas.xml");

        var caller = await CallLab.CallAsync(proxy, "call_reinvite_uac.xml", "1001");
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }
}
