using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// loadtest/run-sip.sh's memory scenario at a small scale: a few hundred distinct addresses-of-record
/// registered with the stage 1 proxy, then its proportional set size read before and after them, so
/// the scenario or its measurement that stops working fails the suite. The full run registers 100,000.
/// </summary>
[Collection(LoadRunsCollection.Name)]
public sealed class RunSipMemorySmokeTests
{
    private const int Registrations = 500;
    private const int Rate = 250;

    [Fact]
    public async Task Registering_distinct_addresses_of_record_records_the_proxy_memory_before_and_after()
    {
        NetworkIsolation.Require();
        using var output = new TempDirectory("natedge-loadtest-");

        var run = await RunSip.RunAsync(
            "memory",
            Rate,
            Registrations / Rate,
            output.Path,
            ["--aors", Registrations.ToString(CultureInfo.InvariantCulture)]);

        var results = RunSip.ReadResults(output.Path);
        results.Count.ShouldBe(1, $"one run, one line\n{run}");
        var line = results[0];
        line["scenario"].ShouldBe("memory");
        line["calls"].ShouldBe(Registrations.ToString(CultureInfo.InvariantCulture));
        line["failed"].ShouldBe("0", run.Output);
        line["aors_registered"].ShouldBe(line["calls"], "RFC 3261 10.3: each REGISTER of a new address-of-record is answered 200 with its binding");
        long.Parse(line["pss_idle_kb"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "the proxy process was measured");
        long.Parse(line["pss_kb"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "the proxy process was measured after the registrations");
        line["verdict"].ShouldBe("pass", run.Output);
        run.ExitCode.ShouldBe(0, run.Output);
    }
}
