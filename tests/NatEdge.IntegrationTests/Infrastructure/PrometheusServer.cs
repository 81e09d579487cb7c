using System.Globalization;
using System.Text.Json;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>) on loopback, with its configuration and
/// time-series database in a temporary directory, queried through its HTTP API (/api/v1/query).
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TempDirectory _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(ChildProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri BaseUri { get; }

    public string Output => _process.Output;

    private static readonly string[] Candidates = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"];

    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("prometheus is not installed: run tests/scripts/install-deps.sh as root (Debian package `prometheus`)");

    /// <summary>Starts Prometheus with <paramref name="configuration"/> (prometheus.yml text) and waits until /-/ready answers.</summary>
    public static async Task<PrometheusServer> StartAsync(string configuration)
    {
        var executable = Executable;
        var directory = new TempDirectory("natedge-prometheus-");
        var config = directory.File("prometheus.yml", configuration);
        var port = FreePorts.UdpAndTcp();
        var process = ChildProcess.Start(
            executable,
            [
                "--config.file", config,
                "--storage.tsdb.path", Path.Combine(directory.Path, "data"),
                "--web.listen-address", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ],
            directory.Path);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Evaluates an instant query until it yields exactly one sample equal to <paramref name="expected"/>,
    /// or <paramref name="timeout"/> passes; returns the last value seen (null: no sample).
    /// </summary>
    public async Task<double?> WaitForValueAsync(string query, double expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        double? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await QueryScalarAsync(query);
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(250);
        }

        return last;
    }

    /// <summary>The single sample an instant query returns; null when it returns none.</summary>
    public async Task<double?> QueryScalarAsync(string query)
    {
        var samples = await QueryAsync(query);
        return samples.Count switch
        {
            0 => null,
            1 => samples[0].Value,
            _ => throw new InvalidOperationException($"{query} returned {samples.Count} series"),
        };
    }

    /// <summary>Every sample of an instant query, with its labels.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string query)
    {
        var uri = new Uri(BaseUri, "api/v1/query?query=" + Uri.EscapeDataString(query));
        using var document = JsonDocument.Parse(await _http.GetStringAsync(uri));
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"{query}: {root}");
        }

        var samples = new List<(Dictionary<string, string>, double)>();
        foreach (var result in root.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = result.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var value = double.Parse(result.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            samples.Add((labels, value));
        }

        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _directory.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{_process.Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(BaseUri, "-/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"prometheus was not ready within {timeout.TotalSeconds:0} s:\n{_process.Output}");
    }
}
