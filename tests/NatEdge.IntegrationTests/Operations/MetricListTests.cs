using System.Globalization;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// The metric list of the README ("Operating NatEdge", "Metrics") against what the running proxy
/// and relay export: every <c>natedge_*</c> family a scrape shows (its <c># TYPE</c> line) is listed,
/// and every listed name is exported, so the tables cannot drift from the code.
/// </summary>
public sealed partial class MetricListTests
{
    [Fact]
    public async Task Every_exported_metric_is_in_the_readme_list_and_every_listed_one_is_exported()
    {
        var relayMetrics = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        await using var relay = await RelayProcess.StartAsync("26980-26995", "--metrics", $"127.0.0.1:{relayMetrics}");
        var proxyMetrics = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartAsync(["--metrics", $"127.0.0.1:{proxyMetrics}"]);
        // One request, so every instrument a message touches has been created whatever the runtime's initialisation order.
        await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var exported = Families(await http.GetStringAsync(new Uri($"http://127.0.0.1:{proxyMetrics}/metrics")))
            .Concat(Families(await http.GetStringAsync(new Uri($"http://127.0.0.1:{relayMetrics}/metrics"))))
            .ToHashSet(StringComparer.Ordinal);
        var listed = ReadmeMetricNames();

        exported.ShouldContain("natedge_proxy_requests_received_total");
        exported.ShouldContain("natedge_relay_sessions_active");
        exported.Except(listed).Order(StringComparer.Ordinal).ShouldBeEmpty("exported but missing from the README's metric tables");
        listed.Except(exported).Order(StringComparer.Ordinal).ShouldBeEmpty("in the README's metric tables but not exported");
    }

    /// <summary>The natedge_* family names of a Prometheus text exposition (<c># TYPE NAME KIND</c>).</summary>
    private static IEnumerable<string> Families(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith("# TYPE natedge_", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[2]);

    /// <summary>Every natedge_* name written in code style in the README's Metrics section.</summary>
    private static HashSet<string> ReadmeMetricNames()
    {
        var readme = File.ReadAllText(Path.Combine(BuiltExecutables.RepositoryRoot, "README.md"));
        var start = readme.IndexOf("\n### Metrics\n", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "README.md has a Metrics section");
        var end = readme.IndexOf("\n### ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return MetricName().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"`(natedge_(?:proxy|relay)_[a-z0-9_]+)`")]
    private static partial Regex MetricName();
}
