using System.Diagnostics;
using System.Text.Json;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>The bench's module-protocol client (shared/bench/tools/mpctl.py) drives the relay unchanged.</summary>
public class MpctlTests
{
    private static string SharedDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("NATEDGE_SHARED_DIR");
        foreach (var candidate in new[] { fromEnvironment, "/work/shared" })
        {
            if (candidate is not null && File.Exists(Path.Combine(candidate, "bench", "tools", "mpctl.py"))) return candidate;
        }
        throw new InvalidOperationException("shared/bench/tools/mpctl.py not found: set NATEDGE_SHARED_DIR to the shared folder");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' is required for this test and could not be started ({e.Message}); install python3", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    [Fact]
    public async Task Mpctl_allocates_and_removes_against_the_relay()
    {
        var tools = Directory.CreateTempSubdirectory("natedge-mpctl-").FullName;
        var script = Path.Combine(tools, "mpctl.py");
        File.Copy(Path.Combine(SharedDirectory(), "bench", "tools", "mpctl.py"), script);
        await using var relay = await RelayProcess.StartAsync("27300-27340");
        var map = Path.Combine(tools, "calls.map");

        var alloc = await RunAsync("python3", script, "alloc", "4", map, "--mediaproxy", relay.SocketPath);
        alloc.ExitCode.ShouldBe(0, alloc.Stderr);
        alloc.Stderr.ShouldNotContain("warning", Case.Insensitive, "the relay answers 127.0.0.1, the address mpctl sends to");
        var lines = await File.ReadAllLinesAsync(map);
        lines.Length.ShouldBe(8, "two directions per call");
        foreach (var line in lines)
        {
            var relayPort = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            relayPort.ShouldBeInRange(27300, 27339);
            (relayPort % 2).ShouldBe(0);
        }

        var remove = await RunAsync("python3", script, "remove", "4", "--mediaproxy", relay.SocketPath);
        remove.ExitCode.ShouldBe(0, remove.Stderr);
        using var result = JsonDocument.Parse(remove.Stdout);
        result.RootElement.GetProperty("removed").GetInt32().ShouldBe(4);
        result.RootElement.GetProperty("error").GetInt32().ShouldBe(0);
        relay.AccountingLines().Length.ShouldBe(4);
        Directory.Delete(tools, recursive: true);
    }
}

public class RelayMetricsTests
{
    [Fact]
    public async Task The_metrics_endpoint_serves_prometheus_text()
    {
        await using var relay = await RelayProcess.StartAsync("27360-27392", "--metrics", "127.0.0.1:27399");
        using (var control = await relay.ConnectAsync())
        {
            (await control.SendRawAsync("nonsense\r\n\r\n")).ShouldBe("error");
        }
        using var http = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri("http://127.0.0.1:27399/metrics"));
        text.ShouldContain("natedge_relay_sessions_active 0");
        text.ShouldContain("natedge_relay_port_pairs_capacity 16");
        text.ShouldContain("natedge_relay_control_errors_total{reason=\"UnknownCommand\"} 1");
    }
}

public class RelayAllocationTests
{
    private static async Task<long> AllocatedAsync(System.Net.Http.HttpClient http, int port)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        var line = text.Split('\n').Single(l => l.StartsWith("natedge_relay_allocated_bytes_total ", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Forwarding_packets_allocates_nothing_in_the_relay_process()
    {
        const int metricsPort = 27499;
        await using var relay = await RelayProcess.StartAsync("27460-27492", "--metrics", $"127.0.0.1:{metricsPort}");
        using var control = await relay.ConnectAsync();
        using var http = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var caller = new MediaParty(0x71);
        using var callee = new MediaParty(0x72);
        var offer = await control.UpdateAsync(NatEdge.Shared.Control.SdpMessageType.Request, "alloc", 1, "ft", null, caller.Media());
        var answer = await control.UpdateAsync(NatEdge.Shared.Control.SdpMessageType.Reply, "alloc", 1, "ft", "tt", callee.Media());
        await Task.WhenAll(caller.SendRtpAsync(answer.Ports[0], 25), callee.SendRtpAsync(offer.Ports[0], 25));   // latch and warm up

        // What a scrape and a second of idling cost, then the same with 1,000 packets forwarded.
        var idleStart = await AllocatedAsync(http, metricsPort);
        await Task.Delay(1000);
        var idle = await AllocatedAsync(http, metricsPort) - idleStart;
        var busyStart = await AllocatedAsync(http, metricsPort);
        await Task.WhenAll(caller.SendRtpAsync(answer.Ports[0], 500, 25), callee.SendRtpAsync(offer.Ports[0], 500, 25));
        await MediaParty.WaitForAsync(callee.Rtp, 525);
        await MediaParty.WaitForAsync(caller.Rtp, 525);
        var busy = await AllocatedAsync(http, metricsPort) - busyStart;

        callee.Rtp.Count.ShouldBe(525);
        // 1,000 packets: anything per packet would show as tens of kilobytes over the idle cost.
        (busy - (idle * 11 / 10)).ShouldBeLessThan(16 * 1024, $"idle {idle} bytes, while forwarding {busy} bytes");
    }
}
