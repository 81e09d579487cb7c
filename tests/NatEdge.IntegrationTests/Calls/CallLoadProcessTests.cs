using System.Diagnostics;
using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Operations;
using NatEdge.IntegrationTests.Registrar;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Issue 4, load: the stage 1 proxy carries SIPp calls for 60 s. Its memory stays flat once warm
/// and its transaction table empties after the load, once every transaction's last timer (Timer L
/// of RFC 6026 and Timer K, scaled down by a short T1 and T4) has fired.
/// </summary>
public sealed class CallLoadProcessTests
{
    private const int CallsPerSecond = 40;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    // T1 100 ms makes Timer L (64*T1) 6.4 s; T4 1 s makes Timer K 1 s.
    private const string Timers = "modparam(\"tm\", \"retr_timer1\", 100)\nmodparam(\"tm\", \"retr_timer2\", 400)\nmodparam(\"tm\", \"wt_timer\", 1)";

    // GC heap growth allowed between the warm sample and the end, 8 MB over 2,400 calls: a leak of
    // 3.5 KB per call would exceed it. The working set also holds what the runtime keeps for itself
    // (code, GC segments it has not returned), so it is reported and only bounded loosely.
    private const double AllowedHeapGrowthBytes = 8 * 1024 * 1024;

    [Fact]
    public async Task Sixty_seconds_of_calls_leave_memory_flat_and_the_transaction_table_empty()
    {
        var metricsPort = FreePorts.UdpAndTcp();
        var config = RegistrarProxy.StageOne().Replace("modparam(\"usrloc\", \"db_mode\", 0)", "modparam(\"usrloc\", \"db_mode\", 0)\n" + Timers, StringComparison.Ordinal);
        await using var proxy = await ProxyMetricsProcessTests.StartAsync(config, metricsPort);
        using var scrape = new MonitorScrape(metricsPort);
        var calls = (int)(CallsPerSecond * LoadDuration.TotalSeconds);

        var calleePort = FreePorts.UdpAndTcp();
        await CallLab.RegisterAsync(proxy, "1001", calleePort, $"reg-{Guid.NewGuid():N}@127.0.0.1");
        await using var callee = CallLab.StartCallee("call_uas.xml", calleePort, calls, LoadDuration + TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var start = await scrape.MetricsAsync();
        var clock = Stopwatch.StartNew();
        var load = Sipp.RunClientAsync(
            Sipp.Scenario("call_uac.xml"),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            calls,
            "u1",
            localAddress: "127.0.0.1",
            LoadDuration + TimeSpan.FromSeconds(30),
            ["-s", "1001", "-r", CallsPerSecond.ToString(CultureInfo.InvariantCulture)]);

        await Task.Delay(WarmUp);
        var warm = await scrape.MetricsAsync();
        var caller = await load;
        var loadTime = clock.Elapsed;
        var answered = await callee.WaitAsync();
        var end = await scrape.MetricsAsync();
        var drained = await ProxyMetricsProcessTests.WaitForAsync(scrape, s => Transactions(s) == 0, TimeSpan.FromSeconds(20));
        var drainTime = clock.Elapsed - loadTime;

        var figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{calls} calls at {CallsPerSecond}/s in {loadTime.TotalSeconds:0.0} s; working set MB start {Mb(start, "process_working_set_bytes"):0.0}, " +
            $"after {WarmUp.TotalSeconds:0} s {Mb(warm, "process_working_set_bytes"):0.0}, end {Mb(end, "process_working_set_bytes"):0.0}; " +
            $"GC heap MB after warm-up {Mb(warm, "dotnet_total_memory_bytes"):0.0}, end {Mb(end, "dotnet_total_memory_bytes"):0.0}; " +
            $"transactions at the end of the load {Transactions(end)}, {Transactions(drained)} after {drainTime.TotalSeconds:0.0} s");
        Console.WriteLine(figures);

        caller.ExitCode.ShouldBe(0, $"every call succeeds\n{figures}\n{caller}\ncallee: {answered}");
        answered.ExitCode.ShouldBe(0, answered.ToString());
        Transactions(drained).ShouldBe(0, figures);
        (end["dotnet_total_memory_bytes"] - warm["dotnet_total_memory_bytes"]).ShouldBeLessThan(AllowedHeapGrowthBytes, figures);
        end["process_working_set_bytes"].ShouldBeLessThan(2 * warm["process_working_set_bytes"], figures);
    }

    private static double Transactions(Dictionary<string, double> samples) =>
        ProxyMetricsProcessTests.SumOf(samples, "natedge_proxy_transactions_active");

    private static double Mb(Dictionary<string, double> samples, string metric) => samples[metric] / (1024 * 1024);
}
