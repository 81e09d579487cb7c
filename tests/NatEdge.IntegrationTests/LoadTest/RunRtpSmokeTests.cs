using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// A few seconds of loadtest/run-rtp.py at a low load against the built relay: sessions opened with
/// the MediaProxy update exchange, 172-byte RTP at 50 packets/s both ways, measured against the
/// relay-free baseline, so the RTP driver (or the relay's packet path under it) that stops working
/// fails the suite. The generator is the shared bench's rtpbench.c, built by the script with gcc.
/// </summary>
[Collection(LoadRunsCollection.Name)]
public sealed class RunRtpSmokeTests
{
    private const int Calls = 5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Five_calls_for_two_seconds_arrive_complete_through_the_relay_and_directly(bool pin)
    {
        NetworkIsolation.Require();
        using var output = new TempDirectory("natedge-rtp-");
        var script = Path.Combine(BuiltExecutables.RepositoryRoot, "loadtest", "run-rtp.py");
        string[] arguments =
        [
            script, "--calls", Calls.ToString(CultureInfo.InvariantCulture), "--duration", "2", "--warmup", "1",
            "--relay-dll", BuiltExecutables.RelayDll, "--relay-ports", "26000-26999", "--base-a", "27000", "--base-b", "27200",
            "--out", output.Path, .. pin ? new[] { "--pin" } : [],
        ];
        await using var runner = ChildProcess.Start("python3", arguments, output.Path, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        var exitCode = await runner.WaitForExitAsync(TimeSpan.FromSeconds(120));
        exitCode.ShouldBe(0, runner.Output);

        var lines = RunSip.ReadResults(output.Path, "rtp-runs.log");
        lines.Select(line => line["impl"]).ShouldBe(["direct", "natedge"], runner.Output);
        foreach (var line in lines)
        {
            line["streams"].ShouldBe((2 * Calls).ToString(CultureInfo.InvariantCulture), "a call is a stream each way");
            line["dead_streams"].ShouldBe("0", runner.Output);
            double.Parse(line["loss_pct"], CultureInfo.InvariantCulture).ShouldBeLessThan(0.1, runner.Output);
            double.Parse(line["pps_recv"], CultureInfo.InvariantCulture).ShouldBe(2 * Calls * 50, 2 * Calls * 50 * 0.02, "50 packets/s per stream (the generator's pacing slips a little on a busy machine)");
        }

        double.Parse(lines[1]["relay_cpu_pct"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "the relay did the work");
        var relayCommand = File.ReadLines(Directory.GetFiles(output.Path, "rtp-*.txt").ShouldHaveSingleItem()).Single(line => line.StartsWith("# natedge: ", StringComparison.Ordinal));
        relayCommand.StartsWith("# natedge: taskset -c 0 dotnet ", StringComparison.Ordinal).ShouldBe(pin, relayCommand);
    }
}
