using NatEdge.Proxy.Management;

namespace NatEdge.Proxy.Tests.Management;

/// <summary>
/// How ctl prints a relay's <c>summary</c> and <c>sessions</c> answers: a stock MediaProxy relay
/// sends only the fields of spec sections 3 and 4.6, NatEdge's relay adds some, and a broken
/// answer is shown as it came instead of failing the command.
/// </summary>
public sealed class RelayAnswerFormattingTests
{
    [Fact]
    public void A_stock_relays_summary_shows_its_spec_fields_and_leaves_out_natedges()
    {
        // Spec section 3: ip, version, status, uptime, session_count, stream_count, bps_relayed (a float there).
        const string Summary = """{"ip":"198.51.100.20","version":"2.6.0","status":"halting","uptime":3600,"session_count":2,"stream_count":{"audio":2,"video":1},"bps_relayed":127999.6}""";

        RelaySummaryLine.Format(Summary).ShouldBe("up, halting, 2 session(s), streams audio 2 video 1, 128000 bit/s, up 3600 s, version 2.6.0, ip 198.51.100.20");
    }

    [Fact]
    public void Natedges_summary_adds_port_pairs_and_packets()
    {
        const string Summary = """{"ip":"127.0.0.1","version":"1.0.0","status":"active","uptime":5,"session_count":0,"stream_count":{},"bps_relayed":0,"packets_relayed":40,"port_pairs_total":16,"port_pairs_in_use":0}""";

        RelaySummaryLine.Format(Summary).ShouldBe("up, active, 0 session(s), streams 0, port pairs 0 of 16 in use, 40 packets relayed, 0 bit/s, up 5 s, version 1.0.0, ip 127.0.0.1");
    }

    [Theory]
    [InlineData("error", "up, but its summary is not JSON: 'error'")]
    [InlineData("[]", "up, but its summary is not a JSON object: '[]'")]
    [InlineData("{}", "up, status unknown, sessions unknown")]
    public void A_summary_that_is_not_what_the_spec_says_is_shown_as_it_came(string answer, string expected) =>
        RelaySummaryLine.Format(answer).ShouldBe(expected);

    [Fact]
    public void A_session_shows_its_parties_streams_and_counters()
    {
        // Spec section 4.6 statistics, as a stock relay reports them (no NatEdge fields).
        const string Sessions = """
            [{"call_id":"a84b4c76e66710@pc33","from_tag":"1928301774","from_uri":"alice@atlanta.example.com","to_tag":"a6c85cf","to_uri":"bob@biloxi.example.com",
              "start_time":1700000000.5,"duration":12,"caller_ua":"Unknown","callee_ua":"Unknown","username":null,
              "streams":[{"media_type":"audio","status":"active","timeout_wait":0,"caller_codec":"G711u","callee_codec":"G711u","start_time":0,"end_time":12,
                          "post_dial_delay":0.4,"caller_bytes":8600,"callee_bytes":4300,"caller_packets":50,"callee_packets":25,
                          "caller_local":"198.51.100.20:40000","callee_local":"198.51.100.20:40002","caller_remote":"192.0.2.4:5004","callee_remote":"Unknown"}]}]
            """;

        var lines = RelaySessionListing.Describe("/run/natedge/relay.sock", RelayAnswer.Up(Sessions.ReplaceLineEndings(" ")));

        lines.ShouldBe(
        [
            "relay /run/natedge/relay.sock: 1 session(s)",
            "  call a84b4c76e66710@pc33: alice@atlanta.example.com -> bob@biloxi.example.com, 12 s",
            "    audio active, codecs G711u/G711u: caller 192.0.2.4:5004 via 198.51.100.20:40000, 50 packets, 8600 bytes; callee Unknown via 198.51.100.20:40002, 25 packets, 4300 bytes",
        ]);
    }

    [Theory]
    [InlineData("[]", "relay /s: 0 session(s)")]
    [InlineData("error", "relay /s: its sessions answer is not JSON: 'error'")]
    [InlineData("{}", "relay /s: its sessions answer is not a JSON array: '{}'")]
    public void An_empty_or_broken_sessions_answer_is_one_line(string answer, string expected) =>
        RelaySessionListing.Describe("/s", RelayAnswer.Up(answer)).ShouldBe([expected]);

    [Fact]
    public void A_relay_that_did_not_answer_is_down_with_the_reason() =>
        RelaySessionListing.Describe("/s", RelayAnswer.Down("Connection refused")).ShouldBe(["relay /s: down (Connection refused)"]);
}
