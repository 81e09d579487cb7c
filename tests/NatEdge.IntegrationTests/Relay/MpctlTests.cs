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
        text.ShouldContain("natedge_relay_sessions 0");
        text.ShouldContain("natedge_relay_port_pairs_total 16");
        text.ShouldContain("natedge_relay_control_errors_total{reason=\"UnknownCommand\"} 1");
    }
}
