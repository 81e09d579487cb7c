using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// A few seconds of each load scenario at a low rate through loadtest/run-sip.sh against the built
/// proxy on 127.0.0.1, so a scenario or the runner that stops working fails the suite. Full-rate
/// runs are not part of the test command.
/// </summary>
[Collection(LoadRunsCollection.Name)]
public sealed class RunSipSmokeTests
{
    [Theory]
    [InlineData("register", 50, 3)]
    [InlineData("options", 50, 3)]
    [InlineData("regauth", 50, 3)]
    [InlineData("call", 20, 3)]
    [InlineData("callauth", 20, 3)]
    [InlineData("reinvite", 20, 3)]
    [InlineData("cancel", 20, 3)]
    public Task A_short_low_rate_run_completes_every_call_and_writes_its_results_line(string scenario, int rate, int seconds)
        => RunAndCheckAsync(scenario, rate, seconds, transport: null);

    // Every call over SIPp's one TCP connection per side: each BYE was answered 500 by the proxy
    // when its client transaction over TCP ended on the callee's 200 before relaying it.
    [Theory]
    [InlineData("call", 10, 2)]
    [InlineData("callauth", 10, 2)]
    public Task A_short_run_over_one_TCP_connection_completes_every_call(string scenario, int rate, int seconds)
        => RunAndCheckAsync(scenario, rate, seconds, transport: "t1");

    private static async Task RunAndCheckAsync(string scenario, int rate, int seconds, string? transport)
    {
        NetworkIsolation.Require();
        using var output = new TempDirectory("natedge-loadtest-");

        var run = await RunSip.RunAsync(scenario, rate, seconds, output.Path, transport is null ? null : ["--transport", transport]);

        var results = RunSip.ReadResults(output.Path);
        results.Count.ShouldBe(1, $"one run, one line\n{run}");
        var line = results[0];
        line["impl"].ShouldBe("natedge");
        line["scenario"].ShouldBe(scenario);
        line["transport"].ShouldBe(transport ?? "u1");
        line["calls"].ShouldBe((rate * seconds).ToString(CultureInfo.InvariantCulture));
        line["successful"].ShouldBe(line["calls"], run.Output);
        line["failed"].ShouldBe("0", run.Output);
        double.Parse(line["p99_ms"], CultureInfo.InvariantCulture).ShouldBeLessThan(200, "the pack's pass criterion for a rate");
        double.Parse(line["proxy_cpu_s"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "the proxy did the work");
        if (scenario.EndsWith("auth", StringComparison.Ordinal))
        {
            line["challenges"].ShouldBe(line["successful"], "RFC 3261 22: the first REGISTER (401) or INVITE (407) of every call is challenged");
        }

        line["verdict"].ShouldBe("pass", run.Output);
        run.ExitCode.ShouldBe(0, run.Output);
    }
}
