namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Calls through the stage 1 proxy with SIPp on both sides over TCP (-t t1: one connection from the
/// caller to the proxy, one from the proxy to the callee, registered with transport=tcp). Over a
/// reliable transport the proxy retransmits nothing (RFC 3261 17.1.1.2, 17.1.2.2) and its wait
/// timers are zero, yet every final answer must reach the caller as the callee gave it.
/// </summary>
public sealed class TcpCallFlowProcessTests
{
    private const string Tcp = "t1";

    [Fact]
    public async Task A_full_call_over_TCP_has_ACK_and_BYE_follow_the_Record_Route_and_nothing_is_sent_twice()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_tcp_uas.xml", transport: Tcp);

        var caller = await CallLab.CallAsync(proxy, "call_uac.xml", "1001", Tcp);
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");

        // The callee kept the call 2 s after answering the BYE, past where Timer E would have fired twice.
        var counts = callee.ReadCounts();
        string[] requests = ["INVITE", "ACK", "BYE"];
        requests.Select(m => Count(counts, m, "Recv")).ShouldBe([1, 1, 1], $"counts: {string.Join(", ", counts)}");
        requests.Select(m => Count(counts, m, "Retrans")).ShouldBe([0, 0, 0], $"counts: {string.Join(", ", counts)}");
    }

    /// <summary>A counter of the scenario's message <paramref name="method"/>, whatever its index ("5_BYE_Retrans").</summary>
    private static long Count(IReadOnlyDictionary<string, long> counts, string method, string counter)
        => counts.Where(c => c.Key.EndsWith($"_{method}_{counter}", StringComparison.Ordinal)).Sum(c => c.Value);

    [Fact]
    public async Task A_busy_callee_over_TCP_486_reaches_the_caller_and_each_hop_acknowledges_it()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        await using var callee = await CallLab.RegisteredCalleeAsync(proxy, "call_busy_uas.xml", transport: Tcp);

        var caller = await CallLab.CallAsync(proxy, "call_busy_uac.xml", "1001", Tcp);
        var answered = await callee.WaitAsync();

        caller.ExitCode.ShouldBe(0, $"caller: {caller}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");
    }
}
