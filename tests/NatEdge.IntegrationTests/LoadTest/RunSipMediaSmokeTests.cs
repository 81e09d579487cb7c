using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// A few seconds of loadtest/run-sip.sh's callmedia scenario at a low rate: calls with an SDP offer
/// and answer through the guide's NAT stage (config/stage3-nat.cfg) with proxy auth, the caller behind
/// a simulated NAT, and SIPp's G.711 RTP carried both ways by natedge-relay, which the runner starts.
/// A scenario, the runner, or the proxy-relay path that stops working fails the suite.
/// </summary>
[Collection(LoadRunsCollection.Name)]
public sealed class RunSipMediaSmokeTests
{
    private const int Rate = 10;
    private const int Seconds = 3;
    private const int HoldMilliseconds = 1000;

    /// <summary>G.711 with 20 ms packets (RFC 3551 section 4.5.14, a=ptime:20 in the scenarios).</summary>
    private const int PacketsPerSecond = 50;

    [Fact]
    public async Task A_short_low_rate_run_relays_every_call_and_its_rtp_in_both_directions()
    {
        NetworkIsolation.Require();
        using var output = new TempDirectory("natedge-loadtest-");

        var run = await RunSip.RunAsync(
            "callmedia",
            Rate,
            Seconds,
            output.Path,
            ["--relay-dll", BuiltExecutables.RelayDll, "--relay-ports", "28000-28399", "--hold-ms", HoldMilliseconds.ToString(CultureInfo.InvariantCulture)]);

        var results = RunSip.ReadResults(output.Path);
        results.Count.ShouldBe(1, $"one run, one line\n{run}");
        var line = results[0];
        var calls = Rate * Seconds;
        line["scenario"].ShouldBe("callmedia");
        line["calls"].ShouldBe(calls.ToString(CultureInfo.InvariantCulture));
        line["successful"].ShouldBe(line["calls"], run.Output);
        line["failed"].ShouldBe("0", run.Output);
        line["challenges"].ShouldBe(line["successful"], "RFC 3261 22.3: the first INVITE of every call is challenged with 407");
        line["media_sessions"].ShouldBe(line["calls"], "each call's offer opens a relay session and its BYE ends it");

        // Each call holds for 1 s with the caller's RTP echoed by the callee: 50 packets each way
        // through the relay. A fifth is allowed for the stream's start and the BYE's timing.
        var perCall = 2 * PacketsPerSecond * HoldMilliseconds / 1000;
        int.Parse(line["relayed_packets"], CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(calls * perCall * 4 / 5, run.Output);
        int.Parse(line["relayed_packets"], CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(calls * perCall * 6 / 5, run.Output);
        double.Parse(line["relay_cpu_s"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "the relay did the work");
        double.Parse(line["p99_ms"], CultureInfo.InvariantCulture).ShouldBeLessThan(200, "the pack's pass criterion for a rate");

        line["verdict"].ShouldBe("pass", run.Output);
        run.ExitCode.ShouldBe(0, run.Output);
    }
}
