using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Transactions.Proxying;

// RFC 3261 section 16 (proxy behaviour) over the transaction layer, on a fake clock.
public sealed class StatefulProxyTests : IDisposable
{
    private const string Bob = "127.0.0.2:5060";
    private const string BobUri = "sip:1001@127.0.0.2:5060";
    private const string Carol = "127.0.0.3:5060";
    private const string CarolUri = "sip:1001@127.0.0.3:5060";

    private readonly ProxyHarness _h = new();

    public void Dispose() => _h.Dispose();

    private string Forwarded(string host, int index = 0) => _h.Downstream(host).Sent[index].Message;

    private string[] CallerGot() => _h.Caller.Sent.Select(s => StartLine(s.Message)).ToArray();

    [Fact]
    public void An_invite_is_answered_100_and_forwarded_with_a_via_on_top_and_one_hop_less()
    {
        _h.Relay(Request("INVITE"), BobUri).ShouldBe(RelayResult.Forwarded);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying"]);
        Line(_h.Caller.Sent[0].Message, "To:").ShouldNotContain("tag=");
        var invite = Forwarded(Bob);
        StartLine(invite).ShouldBe($"INVITE {BobUri} SIP/2.0");
        var vias = Lines(invite, "Via:");
        vias.Length.ShouldBe(2);
        vias[0].ShouldStartWith("Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK");
        vias[1].ShouldBe("Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bKcaller1");
        Line(invite, "Max-Forwards:").ShouldBe("Max-Forwards: 69");
        _h.Proxy.ServerTransactionCount.ShouldBe(1);
        _h.Proxy.ClientTransactionCount.ShouldBe(1);
    }

    [Fact]
    public void A_request_without_max_forwards_gets_70_and_zero_is_refused()
    {
        _h.Relay(Request("OPTIONS", maxForwards: ""), BobUri);
        Line(Forwarded(Bob), "Max-Forwards:").ShouldBe("Max-Forwards: 70");

        _h.Relay(Request("OPTIONS", branch: "z9hG4bKother", maxForwards: "Max-Forwards: 0\r\n"), BobUri).ShouldBe(RelayResult.Failed);
        _h.LastError.ShouldBe(RelayError.TooManyHops);
    }

    [Fact]
    public void A_retransmitted_invite_is_absorbed_and_the_100_sent_again()
    {
        _h.Relay(Request("INVITE"), BobUri);

        _h.Proxy.TryAbsorb(Parse(Request("INVITE"))).ShouldBeTrue();
        _h.Relay(Request("INVITE"), BobUri).ShouldBe(RelayResult.Absorbed);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 100 Trying", "SIP/2.0 100 Trying"]);
        _h.Downstream(Bob).Sent.Count.ShouldBe(1);
    }

    [Fact]
    public void A_full_call_forwards_180_and_200_without_the_proxy_via_and_the_tables_empty_afterwards()
    {
        _h.Relay(Request("INVITE"), BobUri);

        _h.Respond(Bob, 0, 100).ShouldBe(ResponseResult.Handled);
        _h.Respond(Bob, 0, 180).ShouldBe(ResponseResult.Handled);
        _h.Respond(Bob, 0, 200).ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 200 X"]);
        Lines(_h.Caller.Sent[2].Message, "Via:").ShouldBe(["Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bKcaller1"]);
        _h.Clock.RunFor(TimeSpan.FromSeconds(33));
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
        _h.Clock.Wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void A_2xx_retransmitted_by_the_callee_is_forwarded_again_while_accepted()
    {
        _h.Relay(Request("INVITE"), BobUri);
        _h.Respond(Bob, 0, 200);
        _h.Clock.RunFor(TimeSpan.FromSeconds(1));

        _h.Respond(Bob, 0, 200).ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 200 X", "SIP/2.0 200 X"]);
    }

    [Fact]
    public void An_ack_for_a_2xx_goes_end_to_end_statelessly_with_the_same_branch_each_time()
    {
        _h.Relay(Request("INVITE"), BobUri);
        _h.Respond(Bob, 0, 200);
        var ack = Request("ACK", uri: BobUri, branch: "z9hG4bKcallerack", toTag: "callee-tag");

        _h.Proxy.TryAbsorb(Parse(ack)).ShouldBeFalse();
        _h.Relay(ack, BobUri).ShouldBe(RelayResult.ForwardedStatelessly);
        _h.Relay(ack, BobUri).ShouldBe(RelayResult.ForwardedStatelessly);

        var sent = _h.Downstream(Bob).Sent.Skip(1).Select(s => s.Message).ToArray();
        sent.Length.ShouldBe(2);
        StartLine(sent[0]).ShouldBe($"ACK {BobUri} SIP/2.0");
        Line(sent[0], "Via:").ShouldBe(Line(sent[1], "Via:"));
        Line(sent[0], "Via:").ShouldNotBe(Line(Forwarded(Bob), "Via:"));
        _h.Proxy.ServerTransactionCount.ShouldBe(1);
    }

    [Fact]
    public void A_busy_callee_is_acknowledged_hop_by_hop_and_the_486_reaches_the_caller()
    {
        _h.Relay(Request("INVITE"), BobUri);
        _h.Respond(Bob, 0, 180);

        _h.Respond(Bob, 0, 486, toTag: "busy-tag").ShouldBe(ResponseResult.Handled);

        var ack = Forwarded(Bob, 1);
        StartLine(ack).ShouldBe($"ACK {BobUri} SIP/2.0");
        Line(ack, "Via:").ShouldBe(Line(Forwarded(Bob), "Via:"));
        Line(ack, "To:").ShouldEndWith(";tag=busy-tag");
        Line(ack, "CSeq:").ShouldBe("CSeq: 1 ACK");
        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 486 X"]);

        // The caller's ACK is consumed by the proxy's server transaction.
        _h.Proxy.TryAbsorb(Parse(Request("ACK", toTag: "busy-tag"))).ShouldBeTrue();
        _h.Downstream(Bob).Sent.Count.ShouldBe(2);

        // A retransmitted 486 gets the ACK again and does not go upstream twice.
        _h.Respond(Bob, 0, 486, toTag: "busy-tag").ShouldBe(ResponseResult.Absorbed);
        _h.Downstream(Bob).Sent.Count.ShouldBe(3);
        CallerGot().Length.ShouldBe(3);

        // Timer I (5 s) ends the server side, Timer D (32 s) the client side.
        _h.Clock.RunFor(TimeSpan.FromSeconds(33));
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void A_callee_that_never_answers_ends_in_408_at_timer_b()
    {
        _h.Relay(Request("INVITE"), BobUri);

        _h.Clock.RunFor(TimeSpan.FromSeconds(31.99));
        CallerGot().ShouldBe(["SIP/2.0 100 Trying"]);
        _h.Clock.RunFor(TimeSpan.FromMilliseconds(10));

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 408 Request Timeout"]);
        Lines(_h.Caller.Sent[1].Message, "Via:").ShouldBe(["Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bKcaller1"]);
        Line(_h.Caller.Sent[1].Message, "To:").ShouldContain(";tag=");
        // Timer A kept retransmitting the INVITE meanwhile: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s.
        _h.Downstream(Bob).Sent.Count.ShouldBe(7);
    }

    [Fact]
    public void A_ringing_callee_is_cancelled_at_timer_c_and_its_487_reaches_the_caller()
    {
        using var h = new ProxyHarness(new SipTimers { InviteFinalResponseTimeout = TimeSpan.FromSeconds(60) });
        h.Relay(Request("INVITE"), BobUri);
        h.Respond(Bob, 0, 180);

        h.Clock.RunFor(TimeSpan.FromSeconds(60));

        var cancel = h.Downstream(Bob).Sent[1].Message;
        StartLine(cancel).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        Line(cancel, "Via:").ShouldBe(Line(h.Downstream(Bob).Sent[0].Message, "Via:"));
        Line(cancel, "CSeq:").ShouldBe("CSeq: 1 CANCEL");
        h.Proxy.ReceiveResponse(Parse(Answer(cancel, 200))).ShouldBe(ResponseResult.Handled);
        h.Respond(Bob, 0, 487).ShouldBe(ResponseResult.Handled);

        h.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 487 X"]);
    }

    [Fact]
    public void A_cancelled_branch_that_never_answers_is_given_up_after_64_t1()
    {
        using var h = new ProxyHarness(new SipTimers { InviteFinalResponseTimeout = TimeSpan.FromSeconds(60) });
        h.Relay(Request("INVITE"), BobUri);
        h.Respond(Bob, 0, 180);

        h.Clock.RunFor(TimeSpan.FromSeconds(60 + 32));

        h.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 487 Request Terminated"]);
    }

    [Fact]
    public void A_caller_cancel_during_ringing_is_answered_200_relayed_and_ends_in_487()
    {
        _h.Relay(Request("INVITE"), BobUri);
        _h.Respond(Bob, 0, 180);

        _h.Relay(Request("CANCEL"), BobUri).ShouldBe(RelayResult.Forwarded);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 200 OK"]);
        Line(_h.Caller.Sent[2].Message, "CSeq:").ShouldBe("CSeq: 1 CANCEL");
        var cancel = Forwarded(Bob, 1);
        StartLine(cancel).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        Line(cancel, "Via:").ShouldBe(Line(Forwarded(Bob), "Via:"));

        _h.Proxy.ReceiveResponse(Parse(Answer(cancel, 200))).ShouldBe(ResponseResult.Handled);
        _h.Respond(Bob, 0, 487).ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 200 OK", "SIP/2.0 487 X"]);
        StartLine(Forwarded(Bob, 2)).ShouldBe($"ACK {BobUri} SIP/2.0");

        // A retransmitted CANCEL gets its 200 again from the CANCEL's own transaction.
        _h.Proxy.TryAbsorb(Parse(Request("CANCEL"))).ShouldBeTrue();
        CallerGot().Last().ShouldBe("SIP/2.0 200 OK");

        _h.Clock.RunFor(TimeSpan.FromSeconds(40));
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void A_cancel_before_any_provisional_answers_487_at_once_and_cancels_on_a_late_provisional()
    {
        _h.Relay(Request("INVITE"), BobUri);

        _h.Relay(Request("CANCEL"), BobUri).ShouldBe(RelayResult.Forwarded);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated"]);
        _h.Downstream(Bob).Sent.Count.ShouldBe(1);

        // Section 9.1: the CANCEL waits for a provisional answer.
        _h.Respond(Bob, 0, 180);
        StartLine(Forwarded(Bob, 1)).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        CallerGot().Length.ShouldBe(3);
    }

    [Fact]
    public void A_cancel_for_an_unknown_invite_is_forwarded_statelessly()
    {
        _h.Relay(Request("CANCEL", branch: "z9hG4bKnobody"), BobUri).ShouldBe(RelayResult.ForwardedStatelessly);

        StartLine(Forwarded(Bob)).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void Parallel_forking_rings_both_and_the_first_200_wins_while_the_other_branch_is_cancelled()
    {
        _h.Relay(Request("INVITE"), BobUri, CarolUri).ShouldBe(RelayResult.Forwarded);
        Line(Forwarded(Bob), "Via:").ShouldNotBe(Line(Forwarded(Carol), "Via:"));
        _h.Respond(Bob, 0, 180, toTag: "bob");
        _h.Respond(Carol, 0, 180, toTag: "carol");

        _h.Respond(Carol, 0, 200, toTag: "carol");

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 180 X", "SIP/2.0 200 X"]);
        Line(_h.Caller.Sent[3].Message, "To:").ShouldEndWith(";tag=carol");
        var cancel = Forwarded(Bob, 1);
        StartLine(cancel).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        Line(cancel, "Via:").ShouldBe(Line(Forwarded(Bob), "Via:"));
        _h.Downstream(Carol).Sent.Count.ShouldBe(1);

        _h.Proxy.ReceiveResponse(Parse(Answer(cancel, 200, "bob")));
        _h.Respond(Bob, 0, 487, toTag: "bob");
        CallerGot().Length.ShouldBe(4);
        StartLine(Forwarded(Bob, 2)).ShouldBe($"ACK {BobUri} SIP/2.0");

        _h.Clock.RunFor(TimeSpan.FromSeconds(40));
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void When_every_branch_fails_the_lowest_class_goes_upstream_once()
    {
        _h.Relay(Request("INVITE"), BobUri, CarolUri);

        _h.Respond(Bob, 0, 503);
        CallerGot().ShouldBe(["SIP/2.0 100 Trying"]);
        _h.Respond(Carol, 0, 404);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 404 X"]);
    }

    [Fact]
    public void A_6xx_cancels_the_other_branches_and_wins()
    {
        _h.Relay(Request("INVITE"), BobUri, CarolUri);
        _h.Respond(Bob, 0, 180);

        _h.Respond(Carol, 0, 603);

        StartLine(Forwarded(Bob, 1)).ShouldBe($"CANCEL {BobUri} SIP/2.0");
        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X"]);
        _h.Respond(Bob, 0, 487);
        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 603 X"]);
    }

    [Fact]
    public void A_lone_503_is_turned_into_500()
    {
        _h.Relay(Request("INVITE"), BobUri);

        _h.Respond(Bob, 0, 503);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 500 Server Internal Error"]);
    }

    [Fact]
    public void An_unresolvable_target_fails_the_relay_and_leaves_no_transaction()
    {
        _h.Relay(Request("OPTIONS"), "sip:x@unknown.invalid").ShouldBe(RelayResult.Failed);

        _h.LastError.ShouldBe(RelayError.Unresolvable);
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
        _h.Caller.Sent.ShouldBeEmpty();
    }

    [Fact]
    public void A_send_failure_on_every_branch_fails_the_relay_with_send_failed()
    {
        _h.Downstream(Bob).Fail = true;

        _h.Relay(Request("INVITE"), BobUri).ShouldBe(RelayResult.Failed);

        _h.LastError.ShouldBe(RelayError.SendFailed);
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void One_unresolvable_branch_of_two_still_forwards_and_counts_as_failed()
    {
        _h.Relay(Request("INVITE"), "sip:x@unknown.invalid", BobUri).ShouldBe(RelayResult.Forwarded);

        _h.Respond(Bob, 0, 486);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 486 X"]);
    }

    [Fact]
    public void A_non_invite_gets_no_100_and_its_final_answer_goes_upstream()
    {
        _h.Relay(Request("BYE", toTag: "callee-tag"), BobUri).ShouldBe(RelayResult.Forwarded);

        _h.Caller.Sent.ShouldBeEmpty();
        _h.Respond(Bob, 0, 200).ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe(["SIP/2.0 200 X"]);
        _h.Clock.RunFor(TimeSpan.FromSeconds(33));
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void A_non_invite_without_answer_ends_in_408_at_timer_f()
    {
        _h.Relay(Request("OPTIONS"), BobUri);

        _h.Clock.RunFor(TimeSpan.FromSeconds(32));

        CallerGot().ShouldBe(["SIP/2.0 408 Request Timeout"]);
    }

    [Fact]
    public void A_response_nobody_expects_is_reported_as_without_transaction()
    {
        var stray = Answer(Request("INVITE", branch: "z9hG4bKstray"), 200);

        _h.Proxy.ReceiveResponse(Parse(stray)).ShouldBe(ResponseResult.NoTransaction);
    }

    [Fact]
    public void The_failure_hook_can_fork_anew_and_the_new_branch_decides()
    {
        var hookStatus = 0;
        var hooks = new RelayHooks(OnFailure: (context, status) =>
        {
            hookStatus = status;
            context.Fork([new RelayTarget("sip:1001@127.0.0.3:5060"u8.ToArray())]).ShouldBe(RelayError.None);
        });
        _h.Relay(Parse(Request("INVITE")), hooks, BobUri);

        _h.Respond(Bob, 0, 404);
        hookStatus.ShouldBe(404);
        CallerGot().ShouldBe(["SIP/2.0 100 Trying"]);
        _h.Respond(Carol, 0, 200);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 200 X"]);
        Lines(Forwarded(Carol), "Via:").Length.ShouldBe(2);
        Line(Forwarded(Carol), "Max-Forwards:").ShouldBe("Max-Forwards: 69");
    }

    [Fact]
    public void The_failure_hook_runs_once_unless_rearmed_and_is_skipped_after_a_cancel()
    {
        var runs = 0;
        var hooks = new RelayHooks(OnFailure: (_, _) => runs++);
        _h.Relay(Parse(Request("INVITE")), hooks, BobUri);
        _h.Respond(Bob, 0, 486);
        runs.ShouldBe(1);
        CallerGot().Last().ShouldBe("SIP/2.0 486 X");

        _h.Relay(Parse(Request("INVITE", branch: "z9hG4bKsecond", cseq: 2)), hooks, CarolUri);
        _h.Respond(Carol, 0, 180);
        _h.Relay(Request("CANCEL", branch: "z9hG4bKsecond", cseq: 2), CarolUri);
        _h.Respond(Carol, 0, 487);
        runs.ShouldBe(1);
    }

    [Fact]
    public void The_reply_hook_sees_every_reply_and_can_drop_a_provisional()
    {
        var seen = new List<int>();
        var hooks = new RelayHooks(OnReply: (_, reply) =>
        {
            seen.Add(reply.StatusCode);
            return reply.StatusCode != 183;
        });
        _h.Relay(Parse(Request("INVITE")), hooks, BobUri);

        _h.Respond(Bob, 0, 100);
        _h.Respond(Bob, 0, 183);
        _h.Respond(Bob, 0, 180);
        _h.Respond(Bob, 0, 200);

        seen.ShouldBe([183, 180, 200]);
        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 200 X"]);
    }
}
