using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.MediaProxy;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// A real Prometheus server scrapes the proxy and the relay with config/prometheus.yml (its ports and a
/// 1 s interval put in) while a call with media crosses them; its HTTP API then serves the series. The
/// call: an INVITE whose offer and answer each go to the relay as an <c>update</c> (use_media_proxy on
/// the request and on the 200), RTP from the caller echoed by the SIPp callee, a BYE whose
/// end_media_session sends <c>remove</c> (mediaproxy's documented calls; spec §1.2).
/// </summary>
public sealed class PrometheusScrapeProcessTests
{
    private const int RelayLow = 26740;
    private const int RelayHigh = 26771;
    private const int CalleeMediaPort = 26790;
    private const int Packets = 20;
    private static readonly TimeSpan SeriesWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prometheus_scrapes_both_processes_and_serves_the_call_s_series()
    {
        var relayMetrics = FreePorts.UdpAndTcp();
        await using var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}", "--metrics", $"127.0.0.1:{relayMetrics.ToString(CultureInfo.InvariantCulture)}");
        var proxyMetrics = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(relay, proxyMetrics);
        await using var prometheus = await PrometheusServer.StartAsync(ScrapeConfig(proxyMetrics, relayMetrics));

        (await prometheus.WaitForValueAsync("up{job=\"natedge-proxy\"}", 1, SeriesWait)).ShouldBe(1, prometheus.Output);
        (await prometheus.WaitForValueAsync("up{job=\"natedge-relay\"}", 1, SeriesWait)).ShouldBe(1, prometheus.Output);

        await CallWithMediaAsync(proxy, relay);

        (await prometheus.WaitForValueAsync("natedge_proxy_requests_received_total{method=\"INVITE\"}", 1, SeriesWait)).ShouldBe(1);
        (await prometheus.WaitForValueAsync("natedge_proxy_requests_received_total{method=\"BYE\"}", 1, SeriesWait)).ShouldBe(1);
        (await prometheus.WaitForValueAsync("natedge_proxy_relay_requests_total{outcome=\"answered\"}", 3, SeriesWait))
            .ShouldBe(3, "an update for the offer, one for the answer, a remove for the BYE");
        (await prometheus.WaitForValueAsync("natedge_proxy_relay_round_trip_seconds_count", 3, SeriesWait)).ShouldBe(3);
        (await prometheus.WaitForValueAsync("sum(natedge_proxy_replies_sent_total{class=\"2xx\"})", 2, SeriesWait))
            .ShouldBe(2, "the callee's 200 to the INVITE and its 200 to the BYE, both relayed to the caller");
        (await prometheus.WaitForValueAsync("natedge_relay_packets_total{direction=\"caller_to_callee\"}", Packets, SeriesWait)).ShouldBe(Packets);
        (await prometheus.WaitForValueAsync("natedge_relay_packets_total{direction=\"callee_to_caller\"}", Packets, SeriesWait)).ShouldBe(Packets);
        (await prometheus.WaitForValueAsync("sum(natedge_relay_control_requests_total)", 3, SeriesWait)).ShouldBe(3);
        (await prometheus.WaitForValueAsync("natedge_relay_sessions_active", 0, SeriesWait)).ShouldBe(0, "the BYE ended the session");
    }

    /// <summary>config/prometheus.yml with the test's ports and a 1 s scrape interval.</summary>
    private static string ScrapeConfig(int proxyMetrics, int relayMetrics)
    {
        var shipped = File.ReadAllText(Path.Combine(BuiltExecutables.RepositoryRoot, "config", "prometheus.yml"));
        string[] expected = ["scrape_interval: 15s", "scrape_timeout: 10s", "127.0.0.1:9464", "127.0.0.1:9465"];
        foreach (var text in expected)
        {
            shipped.ShouldContain(text);
        }

        return shipped
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("scrape_timeout: 10s", "scrape_timeout: 1s", StringComparison.Ordinal)
            .Replace("127.0.0.1:9464", $"127.0.0.1:{proxyMetrics.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("127.0.0.1:9465", $"127.0.0.1:{relayMetrics.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
    }

    private static Task<ProxyProcess> StartProxyAsync(RelayProcess relay, int metricsPort)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var script = MediaRelayScript.For(relay.SocketPath);
        return ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{p}", "--metrics", $"127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}"],
            port,
            directory => directory.File("media.cfg", script));
    }

    private static async Task CallWithMediaAsync(ProxyProcess proxy, RelayProcess relay)
    {
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = Sipp.StartEchoingCallee(calleePort, CalleeMediaPort, sippDirectory.Path);
        await Task.Delay(300);
        using var caller = new MediaCallParty(proxy.EndPoint);

        var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{calleePort.ToString(CultureInfo.InvariantCulture)}");
        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output + relay.Stderr);
        await caller.AckAsync();
        var echoes = await caller.SendRtpAndCollectEchoesAsync(MediaCallParty.AudioEndPoint(ok), Packets);
        echoes.Count.ShouldBe(Packets, "every packet went to the callee through the relay and came back");
        (await caller.ByeAsync()).ShouldBe(200);
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }
}
