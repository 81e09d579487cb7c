using System.Text.Json;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Tests.Sessions;

/// <summary>
/// Offer/answer tracking of spec §4.2 on the flow of §6 (addresses moved to loopback and private ranges, so
/// nothing could ever leave this machine).
/// </summary>
public class SessionTableTests
{
    private const string Offer = "audio:127.0.0.1:8000:sendrecv:ice=no,video:127.0.0.1:8002:sendrecv:ice=no";
    private const string Answer = "audio:127.0.0.2:30000:sendrecv:ice=no,video:127.0.0.2:0:sendrecv:ice=no";

    [Fact]
    public void Offer_gets_callee_facing_ports_and_answer_caller_facing_ports_with_rejected_video_at_zero()
    {
        using var relay = new RelayFixture(28000, 28032);
        var offer = relay.Update(SdpMessageType.Request, 1, "a1b2", null, Offer);
        offer.Kind.ShouldBe(ControlReplyKind.Media);
        offer.RelayIp.ShouldBe("127.0.0.1");
        // Allocation order of §6.1: caller-facing 28000, callee-facing 28002 (audio); 28004, 28006 (video).
        offer.Ports.ShouldBe([28002, 28006]);

        var answer = relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", Answer);
        answer.Ports.ShouldBe([28000, 0]);
        relay.Context.Ports.InUse.ShouldBe(2, "the rejected video stream gave its two pairs back");
    }

    [Fact]
    public void Hold_re_invite_from_the_callee_keeps_the_ports_and_resume_keeps_them_too()
    {
        using var relay = new RelayFixture(28040, 28072);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv:ice=no");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv:ice=no");

        // §6.2: found through (call_id, to_tag); upstream, so the caller-facing port.
        var hold = relay.Update(SdpMessageType.Request, 7, "b9z", "a1b2", "audio:127.0.0.2:30000:sendonly:ice=no");
        hold.Ports.ShouldBe([28040]);
        Status(relay).ShouldBe("on hold");
        var holdAnswer = relay.Update(SdpMessageType.Reply, 7, "b9z", "a1b2", "audio:127.0.0.1:8000:recvonly:ice=no");
        holdAnswer.Ports.ShouldBe([28042]);

        var resume = relay.Update(SdpMessageType.Request, 8, "b9z", "a1b2", "audio:127.0.0.2:30000:sendrecv:ice=no");
        resume.Ports.ShouldBe([28040]);
        Status(relay).ShouldBe("active");
        relay.Context.Ports.InUse.ShouldBe(2);
    }

    [Fact]
    public void Hold_by_the_null_address_is_detected()
    {
        using var relay = new RelayFixture(28080, 28112);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv");
        var hold = relay.Update(SdpMessageType.Request, 2, "a1b2", "b9z", "audio:0.0.0.0:8000:sendrecv");
        hold.RelayIp.ShouldBe("0.0.0.0", "MediaProxy keeps the hold address when nothing is advertised");
        hold.Ports.ShouldBe([28082]);
        Status(relay).ShouldBe("on hold");
    }

    [Fact]
    public void Re_invite_with_a_new_address_gets_new_ports()
    {
        using var relay = new RelayFixture(28120, 28152);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv");
        var moved = relay.Update(SdpMessageType.Request, 2, "a1b2", "b9z", "audio:127.0.0.3:9000:sendrecv");
        moved.Ports.ShouldBe([28126]);
        var answer = relay.Update(SdpMessageType.Reply, 2, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv");
        answer.Ports.ShouldBe([28124]);
        relay.Context.Ports.InUse.ShouldBe(2, "the old stream was closed at the answer");
    }

    [Fact]
    public void A_repeated_update_is_answered_the_same_and_allocates_once()
    {
        using var relay = new RelayFixture(28160, 28192);
        var first = relay.Update(SdpMessageType.Request, 1, "a1b2", null, Offer);
        var again = relay.Update(SdpMessageType.Request, 1, "a1b2", null, Offer);
        ControlReplyWriter.ToLine(again).ShouldBe(ControlReplyWriter.ToLine(first));
        relay.Context.Ports.InUse.ShouldBe(4);

        var answer = relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", Answer);
        var answerAgain = relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", Answer);
        ControlReplyWriter.ToLine(answerAgain).ShouldBe(ControlReplyWriter.ToLine(answer));
        relay.Context.Ports.InUse.ShouldBe(2);
    }

    [Fact]
    public void Update_without_media_answers_the_relay_address_alone_for_a_known_session_and_error_otherwise()
    {
        using var relay = new RelayFixture(28200, 28232);
        relay.Update(SdpMessageType.Reply, 1, "x", "y", null, "unknown-call").Kind.ShouldBe(ControlReplyKind.Error);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, Offer);
        var ok = relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", null);
        ControlReplyWriter.ToLine(ok).ShouldBe("127.0.0.1\r\n");
    }

    [Fact]
    public void Remove_from_the_callee_finds_the_session_by_its_to_tag_and_records_statistics()
    {
        using var relay = new RelayFixture(28240, 28272);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, Offer);
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", Answer);
        var reply = relay.Table.Remove(Request.Remove("b9z", "a1b2"), out _, out var statistics);
        reply.Kind.ShouldBe(ControlReplyKind.Removed);
        relay.Context.Ports.InUse.ShouldBe(0);
        using var json = JsonDocument.Parse(statistics!);
        json.RootElement.GetProperty("call_id").GetString().ShouldBe("call-1");
        json.RootElement.GetProperty("to_tag").GetString().ShouldBe("b9z");
        json.RootElement.GetProperty("caller_ua").GetString().ShouldBe("CallerPhone");
        json.RootElement.GetProperty("callee_ua").GetString().ShouldBe("CalleePhone");
        var streams = json.RootElement.GetProperty("streams");
        streams.GetArrayLength().ShouldBe(2);
        streams.EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(["closed", "rejected"], ignoreOrder: true);
        relay.AccountingLines().Length.ShouldBe(1);

        relay.Table.Remove(Request.Remove("a1b2", "b9z"), out var error, out _).Kind.ShouldBe(ControlReplyKind.Error);
        error.ShouldBe(ControlProtocolError.UnknownSession);
    }

    [Fact]
    public void A_silent_party_ends_the_stream_at_stream_timeout()
    {
        using var relay = new RelayFixture(28280, 28312);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv");

        relay.Time.Advance(TimeSpan.FromSeconds(89.8));
        relay.Table.Count.ShouldBe(1, "90 s have not passed");
        relay.Time.Advance(TimeSpan.FromSeconds(0.4));
        relay.Table.Count.ShouldBe(0);
        relay.Context.Ports.InUse.ShouldBe(0);

        var line = relay.AccountingLines().ShouldHaveSingleItem();
        using var json = JsonDocument.Parse(line);
        var stream = json.RootElement.GetProperty("streams")[0];
        stream.GetProperty("status").GetString().ShouldBe("no-traffic timeout");
        stream.GetProperty("timeout_wait").GetDouble().ShouldBe(90);
        json.RootElement.GetProperty("timed_out").GetBoolean().ShouldBeTrue();

        // A dispatcher answers a remove for an expired session itself (spec §2), once.
        relay.Table.Remove(Request.Remove("a1b2", "b9z"), out _, out _).Kind.ShouldBe(ControlReplyKind.Removed);
        relay.Table.Remove(Request.Remove("a1b2", "b9z"), out _, out _).Kind.ShouldBe(ControlReplyKind.Error);
    }

    [Fact]
    public void An_expired_session_is_forgotten_after_a_day()
    {
        using var relay = new RelayFixture(28520, 28552);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Time.Advance(TimeSpan.FromSeconds(90.2));
        relay.Table.Count.ShouldBe(0);
        // cleanup_expired_sessions_after (86400 s), swept every 600 s (spec §2).
        for (var i = 0; i < 146; i++) relay.Time.Advance(TimeSpan.FromSeconds(600));
        relay.Table.Remove(Request.Remove("a1b2", null), out var error, out _).Kind.ShouldBe(ControlReplyKind.Error);
        error.ShouldBe(ControlProtocolError.UnknownSession);
    }

    [Fact]
    public void With_ice_on_both_sides_a_silent_stream_is_an_unselected_candidate_and_not_a_timeout()
    {
        using var relay = new RelayFixture(28480, 28512);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv:ice=yes");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv:ice=yes");
        relay.Time.Advance(TimeSpan.FromSeconds(90.2));
        relay.Table.Count.ShouldBe(0);
        using var json = JsonDocument.Parse(relay.AccountingLines().ShouldHaveSingleItem());
        json.RootElement.GetProperty("streams")[0].GetProperty("status").GetString().ShouldBe("unselected ICE candidate");
        json.RootElement.GetProperty("all_streams_ice").GetBoolean().ShouldBeTrue();
        json.RootElement.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public void On_hold_a_stream_waits_for_on_hold_timeout_instead()
    {
        using var relay = new RelayFixture(28320, 28352);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendonly");
        relay.Time.Advance(TimeSpan.FromSeconds(600));
        relay.Table.Count.ShouldBe(1, "on hold, stream_timeout does not apply");
        relay.Time.Advance(TimeSpan.FromSeconds(7200 - 600 + 0.2));
        relay.Table.Count.ShouldBe(0);
        using var json = JsonDocument.Parse(relay.AccountingLines().ShouldHaveSingleItem());
        json.RootElement.GetProperty("streams")[0].GetProperty("status").GetString().ShouldBe("on hold timeout");
    }

    [Fact]
    public void An_exhausted_range_answers_error_and_leaves_existing_sessions_alone()
    {
        using var relay = new RelayFixture(28360, 28368);   // four pairs: two streams
        relay.Update(SdpMessageType.Request, 1, "t1", null, "audio:127.0.0.1:8000:sendrecv", "c1").Kind.ShouldBe(ControlReplyKind.Media);
        relay.Update(SdpMessageType.Request, 1, "t2", null, "audio:127.0.0.1:8002:sendrecv", "c2").Kind.ShouldBe(ControlReplyKind.Media);
        relay.Table.Update(Request.Update(SdpMessageType.Request, 1, "t3", null, "audio:127.0.0.1:8004:sendrecv", "c3"), out var error)
            .Kind.ShouldBe(ControlReplyKind.Error);
        error.ShouldBe(ControlProtocolError.PortsExhausted);
        relay.Table.PortExhaustions.ShouldBe(1);
        relay.Table.Count.ShouldBe(2);

        // A two-stream offer that finds room for one only holds nothing afterwards.
        relay.Table.Remove(Request.Remove("t2", null, "c2"), out _, out _);
        relay.Update(SdpMessageType.Request, 1, "t4", null, "audio:127.0.0.1:8006:sendrecv,video:127.0.0.1:8008:sendrecv", "c4")
            .Kind.ShouldBe(ControlReplyKind.Error);
        relay.Context.Ports.InUse.ShouldBe(2);
    }

    [Fact]
    public void Old_cseq_changes_nothing()
    {
        using var relay = new RelayFixture(28400, 28432);
        relay.Update(SdpMessageType.Request, 5, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Update(SdpMessageType.Reply, 5, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv");
        relay.Update(SdpMessageType.Request, 4, "a1b2", "b9z", "audio:127.0.0.9:9999:sendrecv").Kind.ShouldBe(ControlReplyKind.Error);
        relay.Context.Ports.InUse.ShouldBe(2);
    }

    private static string Status(RelayFixture relay)
    {
        using var json = JsonDocument.Parse(relay.Table.SessionsJson());
        return json.RootElement[0].GetProperty("streams").EnumerateArray().Last().GetProperty("status").GetString()!;
    }
}

public class EmptySessionTests
{
    [Fact]
    public void A_session_whose_streams_were_all_rejected_expires_after_stream_timeout()
    {
        using var relay = new RelayFixture(28440, 28472);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:0:sendrecv").Ports.ShouldBe([0]);
        relay.Context.Ports.InUse.ShouldBe(0);
        relay.Table.Count.ShouldBe(1, "kept for a re-INVITE or the remove");
        relay.Time.Advance(TimeSpan.FromSeconds(90.2));
        relay.Table.Count.ShouldBe(0);
        relay.AccountingLines().Length.ShouldBe(1);
    }

    [Fact]
    public void The_summary_reports_the_configured_weight()
    {
        using var relay = new RelayFixture(29100, 29132, options => options with { Weight = 3 });

        using var summary = System.Text.Json.JsonDocument.Parse(relay.Table.SummaryJson("1.0.0"));

        summary.RootElement.GetProperty("weight").GetInt32().ShouldBe(3);
        summary.RootElement.GetProperty("status").GetString().ShouldBe("active", "MediaProxy's fields are all still there");
    }
}
