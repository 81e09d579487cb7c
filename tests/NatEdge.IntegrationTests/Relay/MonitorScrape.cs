using System.Globalization;
using System.Net.Http;
using System.Text.Json;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>Reads the relay's monitoring port: Prometheus text samples and the status JSON.</summary>
internal sealed class MonitorScrape : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _port;

    public MonitorScrape(int port) => _port = port;

    public Uri Url(string path) => new($"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}{path}");

    /// <summary>Every sample of the exposition, keyed by its series as written (<c>name{label="value",...}</c>).</summary>
    public async Task<Dictionary<string, double>> MetricsAsync()
    {
        var text = await _http.GetStringAsync(Url("/metrics"));
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var split = line.LastIndexOf(' ');
            samples[line[..split]] = double.Parse(line[(split + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    public async Task<JsonDocument> StatusAsync() => JsonDocument.Parse(await _http.GetStringAsync(Url("/status.json")));

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(Url(path));

    public void Dispose() => _http.Dispose();
}
