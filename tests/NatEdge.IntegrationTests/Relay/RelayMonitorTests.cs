using System.Net;
using System.Text.Json;
using NatEdge.Shared.Control;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>The relay's monitoring port: Prometheus series and the status JSON follow real traffic through a session.</summary>
public class RelayMonitorTests
{
    private const string FromCaller = "direction=\"caller_to_callee\"";
    private const string FromCallee = "direction=\"callee_to_caller\"";

    [Fact]
    public async Task Metrics_count_the_packets_and_bytes_sent_through_a_session_per_direction_and_drop_reason()
    {
        const int monitorPort = 27539;
        await using var relay = await RelayProcess.StartAsync("27500-27532", "--metrics", $"127.0.0.1:{monitorPort}");
        using var control = await relay.ConnectAsync();
        using var scrape = new MonitorScrape(monitorPort);
        using var caller = new MediaParty(0x81);
        using var callee = new MediaParty(0x82);

        // The caller is behind a NAT: its SDP names a private address the relay may not send to before it latches.
        var offer = await control.UpdateAsync(SdpMessageType.Request, "metrics-call", 1, "ft", null, $"audio:10.1.2.3:{caller.Port}:sendrecv:ice=no");
        var answer = await control.UpdateAsync(SdpMessageType.Reply, "metrics-call", 1, "ft", "tt", callee.Media());
        var before = await scrape.MetricsAsync();
        before["natedge_relay_sessions_active"].ShouldBe(1);
        before["natedge_relay_streams{media_type=\"audio\",state=\"no_media\"}"].ShouldBe(1);
        before["natedge_relay_port_pairs{use=\"in_use\"}"].ShouldBe(2, "one pair facing each party");
        before["natedge_relay_port_pairs{use=\"free\"}"].ShouldBe(14, "16 pairs in 27500-27532, two in use");
        before["natedge_relay_control_requests_total{command=\"update\",outcome=\"ok\"}"].ShouldBe(2);

        await callee.SendRtpAsync(offer.Ports[0], 4);                       // early media: the caller has not latched
        await caller.SendRtpAsync(answer.Ports[0], 40);
        await MediaParty.WaitForAsync(callee.Rtp, 40);
        await callee.SendRtpAsync(offer.Ports[0], 30, first: 4);
        await MediaParty.WaitForAsync(caller.Rtp, 30);
        await MediaParty.SprayAsync(answer.Ports[0], 5, 0x99);             // a stranger at the caller-facing port
        callee.Rtp.Count.ShouldBe(40);
        caller.Rtp.Count.ShouldBe(30);

        var during = await WaitForAsync(scrape, m => m.GetValueOrDefault("natedge_relay_packets_dropped_total{reason=\"unlatched_source\"}") >= 5);
        during[$"natedge_relay_packets_total{{{FromCaller}}}"].ShouldBe(40);
        during[$"natedge_relay_bytes_total{{{FromCaller}}}"].ShouldBe(40 * MediaParty.RtpBytes);
        during[$"natedge_relay_packets_total{{{FromCallee}}}"].ShouldBe(34, "the 4 early packets were received too");
        during[$"natedge_relay_bytes_total{{{FromCallee}}}"].ShouldBe(34 * MediaParty.RtpBytes);
        during["natedge_relay_packets_dropped_total{reason=\"no_route\"}"].ShouldBe(4);
        during["natedge_relay_packets_dropped_total{reason=\"unlatched_source\"}"].ShouldBe(5);
        during["natedge_relay_streams{media_type=\"audio\",state=\"active\"}"].ShouldBe(1);
        during["natedge_relay_streams{media_type=\"audio\",state=\"no_media\"}"].ShouldBe(0);

        (await control.RemoveAsync("metrics-call", "ft", "tt")).ShouldBe("removed");
        var after = await scrape.MetricsAsync();
        after["natedge_relay_sessions_active"].ShouldBe(0);
        after["natedge_relay_port_pairs{use=\"in_use\"}"].ShouldBe(0);
        after[$"natedge_relay_packets_total{{{FromCaller}}}"].ShouldBe(40, "a counter keeps what ended sessions relayed");
        after[$"natedge_relay_bytes_total{{{FromCallee}}}"].ShouldBe(34 * MediaParty.RtpBytes);
        after["natedge_relay_control_requests_total{command=\"remove\",outcome=\"ok\"}"].ShouldBe(1);
        after["natedge_relay_streams{media_type=\"audio\",state=\"active\"}"].ShouldBe(0);
    }

    [Fact]
    public async Task Control_requests_are_counted_by_command_and_outcome()
    {
        const int monitorPort = 27579;
        await using var relay = await RelayProcess.StartAsync("27540-27572", "--metrics", $"127.0.0.1:{monitorPort}");
        using var control = await relay.ConnectAsync();
        using var scrape = new MonitorScrape(monitorPort);
        (await control.SendRawAsync("nonsense\r\n\r\n")).ShouldBe("error");
        (await control.RemoveAsync("no-such-call", "ft", null)).ShouldBe("error");

        var metrics = await scrape.MetricsAsync();
        metrics["natedge_relay_control_requests_total{command=\"invalid\",outcome=\"error\"}"].ShouldBe(1);
        metrics["natedge_relay_control_requests_total{command=\"remove\",outcome=\"error\"}"].ShouldBe(1);
        metrics["natedge_relay_control_requests_total{command=\"update\",outcome=\"ok\"}"].ShouldBe(0);
        metrics["natedge_relay_control_errors_total{reason=\"UnknownSession\"}"].ShouldBe(1);
        metrics["natedge_relay_port_pairs_capacity"].ShouldBe(16);
    }

    [Fact]
    public async Task The_status_json_lists_a_live_session_with_rising_counters()
    {
        const int monitorPort = 27619;
        await using var relay = await RelayProcess.StartAsync("27580-27612", "--metrics", $"127.0.0.1:{monitorPort}");
        using var control = await relay.ConnectAsync();
        using var scrape = new MonitorScrape(monitorPort);
        using var caller = new MediaParty(0x91);
        using var callee = new MediaParty(0x92);
        var offer = await control.UpdateAsync(SdpMessageType.Request, "status-call", 1, "ft", null, caller.Media());
        var answer = await control.UpdateAsync(SdpMessageType.Reply, "status-call", 1, "ft", "tt", callee.Media());

        await caller.SendRtpAsync(answer.Ports[0], 10);
        await MediaParty.WaitForAsync(callee.Rtp, 10);
        using var first = await scrape.StatusAsync();
        await caller.SendRtpAsync(answer.Ports[0], 15, first: 10);
        await callee.SendRtpAsync(offer.Ports[0], 7);
        await MediaParty.WaitForAsync(callee.Rtp, 25);
        await MediaParty.WaitForAsync(caller.Rtp, 7);
        using var second = await scrape.StatusAsync();

        var session = first.RootElement.GetProperty("sessions").EnumerateArray().Single();
        session.GetProperty("call_id").GetString().ShouldBe("status-call");
        session.GetProperty("from_uri").GetString().ShouldBe("alice@natedge.test");
        session.GetProperty("to_uri").GetString().ShouldBe("bob@natedge.test");
        var stream = session.GetProperty("streams").EnumerateArray().Single();
        stream.GetProperty("media_type").GetString().ShouldBe("audio");
        stream.GetProperty("codec").GetString().ShouldBe("G711u", "payload type 0 is PCMU (RFC 3551)");
        stream.GetProperty("state").GetString().ShouldBe("active");
        stream.GetProperty("caller").GetProperty("local").GetString().ShouldBe($"127.0.0.1:{answer.Ports[0]}");
        stream.GetProperty("callee").GetProperty("local").GetString().ShouldBe($"127.0.0.1:{offer.Ports[0]}");
        stream.GetProperty("caller").GetProperty("learned").GetString().ShouldBe($"127.0.0.1:{caller.Port}");
        stream.GetProperty("callee").GetProperty("learned").ValueKind.ShouldBe(JsonValueKind.Null, "the callee has not sent yet");
        stream.GetProperty("caller").GetProperty("packets").GetInt64().ShouldBe(10);
        stream.GetProperty("caller").GetProperty("bytes").GetInt64().ShouldBe(10 * MediaParty.RtpBytes);

        var later = second.RootElement.GetProperty("sessions")[0].GetProperty("streams")[0];
        later.GetProperty("caller").GetProperty("packets").GetInt64().ShouldBe(25);
        later.GetProperty("callee").GetProperty("packets").GetInt64().ShouldBe(7);
        later.GetProperty("callee").GetProperty("learned").GetString().ShouldBe($"127.0.0.1:{callee.Port}");
        var summary = second.RootElement.GetProperty("relay");
        summary.GetProperty("sessions").GetInt32().ShouldBe(1);
        summary.GetProperty("port_pairs_in_use").GetInt32().ShouldBe(2);
        summary.GetProperty("port_pairs_total").GetInt32().ShouldBe(16);
        summary.GetProperty("packets_relayed").GetInt64().ShouldBe(32);
    }

    [Fact]
    public async Task The_page_is_served_on_the_metrics_port_and_unknown_paths_are_not_found()
    {
        const int monitorPort = 27659;
        await using var relay = await RelayProcess.StartAsync("27620-27652", "--metrics", $"127.0.0.1:{monitorPort}");
        using var scrape = new MonitorScrape(monitorPort);
        foreach (var path in new[] { "/", "/status" })
        {
            using var page = await scrape.GetAsync(path);
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
            var html = await page.Content.ReadAsStringAsync();
            html.ShouldContain("status.json");
            html.ShouldNotContain("<script src", Case.Insensitive, "nothing is fetched from elsewhere at run time");
        }
        using var missing = await scrape.GetAsync("/nothing-here");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Forwarding_sockets_are_reported_per_thread_and_kind_and_spread_evenly()
    {
        const int monitorPort = 27739;
        await using var relay = await RelayProcess.StartAsync("27700-27732", "--forwarding-threads", "2", "--metrics", $"127.0.0.1:{monitorPort}");
        using var control = await relay.ConnectAsync();
        using var scrape = new MonitorScrape(monitorPort);
        var idle = await scrape.MetricsAsync();
        foreach (var series in Series()) idle[series].ShouldBe(0, "no stream has started the threads yet");

        // Three calls, one audio stream each: an RTP and an RTCP socket facing each party.
        using var parties = new MediaParties(6);
        for (var call = 0; call < 3; call++)
        {
            await control.UpdateAsync(SdpMessageType.Request, $"spread-{call}", 1, "ft", null, parties[2 * call].Media());
            await control.UpdateAsync(SdpMessageType.Reply, $"spread-{call}", 1, "ft", "tt", parties[2 * call + 1].Media());
        }

        var busy = await scrape.MetricsAsync();
        foreach (var series in Series()) busy[series].ShouldBe(3, "six RTP and six RTCP sockets over two threads");

        (await control.RemoveAsync("spread-1", "ft", "tt")).ShouldBe("removed");
        var after = await WaitForAsync(scrape, m => Series().Sum(series => m[series]) == 8);
        foreach (var series in Series()) after[series].ShouldBe(2, "the ended call's four sockets left");
    }

    private static string[] Series() =>
    [
        "natedge_relay_forwarding_sockets{thread=\"0\",kind=\"rtp\"}",
        "natedge_relay_forwarding_sockets{thread=\"1\",kind=\"rtp\"}",
        "natedge_relay_forwarding_sockets{thread=\"0\",kind=\"rtcp\"}",
        "natedge_relay_forwarding_sockets{thread=\"1\",kind=\"rtcp\"}",
    ];

    /// <summary>Parties with distinct SSRCs, disposed together.</summary>
    private sealed class MediaParties(int count) : IDisposable
    {
        private readonly MediaParty[] _parties = Enumerable.Range(0, count).Select(i => new MediaParty((uint)(0xA0 + i))).ToArray();

        public MediaParty this[int index] => _parties[index];

        public void Dispose()
        {
            foreach (var party in _parties) party.Dispose();
        }
    }

    private static async Task<Dictionary<string, double>> WaitForAsync(MonitorScrape scrape, Func<Dictionary<string, double>, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var metrics = await scrape.MetricsAsync();
            if (ready(metrics) || DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(50);
        }
    }
}
