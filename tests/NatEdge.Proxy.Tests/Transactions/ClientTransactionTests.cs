using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Tests.Transactions;

// Client transactions, RFC 3261 section 17.1 (figures 5 and 6), RFC 6026 Timer M, and the
// proxy's Timer C (section 16.6 step 11, 16.7 step 2).
public sealed class ClientTransactionTests : IDisposable
{
    private static readonly byte[] Invite = "INVITE sip:b@h SIP/2.0\r\n\r\n"u8.ToArray();
    private static readonly byte[] Ack = "ACK sip:b@h SIP/2.0\r\n\r\n"u8.ToArray();
    private readonly FakeClock _clock = new();
    private readonly RecordingUser _user;

    public ClientTransactionTests()
    {
        _user = new RecordingUser(_clock);
    }

    public void Dispose() => _clock.Dispose();

    private ClientTransaction Create(bool invite, RecordingChannel channel, SipTimers? timers = null, bool timerC = true)
        => new("key"u8.ToArray(), invite, channel, timers ?? SipTimers.Default, _clock.Wheel, _user, timerC);

    [Fact]
    public void Invite_is_resent_on_timer_a_doubling_without_cap_until_timer_b()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);

        transaction.Start(Invite).ShouldBeTrue();
        transaction.State.ShouldBe(TransactionState.Calling);
        _clock.RunFor(TimeSpan.FromSeconds(40));

        // A: 0.5, 1, 2, 4, 8, 16 s apart; B = 64*T1 = 32 s.
        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Timeout)]);
        _user.TimerCFired.ShouldBeEmpty();
        _clock.Wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void Fr_timer_sets_timer_b()
    {
        var transaction = Create(invite: true, new RecordingChannel(_clock), new SipTimers { FinalResponseTimeout = TimeSpan.FromSeconds(5) });
        transaction.Start(Invite);

        _clock.RunFor(TimeSpan.FromSeconds(6));

        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(5), TransactionEnd.Timeout)]);
    }

    [Fact]
    public void A_provisional_stops_timers_a_and_b_and_the_branch_then_waits_for_timer_c()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.Start(Invite);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        transaction.ReceiveResponse(100).ShouldBe(ClientResponseDisposition.Deliver);
        transaction.State.ShouldBe(TransactionState.Proceeding);
        _clock.RunFor(TimeSpan.FromSeconds(179));
        _user.TimerCFired.ShouldBeEmpty();
        _clock.RunFor(TimeSpan.FromSeconds(2));

        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5));
        _user.TimerCFired.ShouldBe(Seconds.Of(181));
        _user.Ended.ShouldBeEmpty();
        transaction.ReceivedProvisional.ShouldBeTrue();
    }

    [Fact]
    public void Timer_c_is_restarted_by_101_to_199_but_not_by_100()
    {
        var timers = new SipTimers { InviteFinalResponseTimeout = TimeSpan.FromSeconds(60) };
        var transaction = Create(invite: true, new RecordingChannel(_clock), timers);
        transaction.Start(Invite);

        _clock.RunFor(TimeSpan.FromSeconds(10));
        transaction.ReceiveResponse(100);
        _clock.RunFor(TimeSpan.FromSeconds(10));
        transaction.ReceiveResponse(180);
        _clock.RunFor(TimeSpan.FromSeconds(30));
        transaction.ReceiveResponse(183);
        _clock.RunFor(TimeSpan.FromSeconds(70));

        _user.TimerCFired.ShouldBe(Seconds.Of(110));
    }

    [Fact]
    public void Without_timer_c_a_ringing_branch_waits_for_its_owner()
    {
        var transaction = Create(invite: true, new RecordingChannel(_clock), timerC: false);
        transaction.Start(Invite);
        transaction.ReceiveResponse(180);

        _clock.RunFor(TimeSpan.FromSeconds(200));

        _user.TimerCFired.ShouldBeEmpty();
        transaction.State.ShouldBe(TransactionState.Proceeding);
    }

    [Fact]
    public void A_negative_answer_is_acknowledged_hop_by_hop_and_its_retransmissions_absorbed_until_timer_d()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.Start(Invite);
        transaction.ReceiveResponse(180);
        _clock.RunFor(TimeSpan.FromSeconds(2));

        transaction.ReceiveResponse(486).ShouldBe(ClientResponseDisposition.DeliverAndAcknowledge);
        transaction.SendAck(Ack).ShouldBeTrue();
        transaction.State.ShouldBe(TransactionState.Completed);
        transaction.LastStatusCode.ShouldBe(486);
        _clock.RunFor(TimeSpan.FromSeconds(1));
        transaction.ReceiveResponse(486).ShouldBe(ClientResponseDisposition.Absorb);
        _clock.RunFor(TimeSpan.FromSeconds(40));

        channel.Sent.Select(s => (s.At, s.Message[..3])).ShouldBe(
        [
            (TimeSpan.Zero, "INV"),
            (TimeSpan.FromSeconds(2), "ACK"),
            (TimeSpan.FromSeconds(3), "ACK"),
        ]);
        // D: "> 32 s" over UDP (Table 4).
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(34), TransactionEnd.Completed)]);
        _user.TimerCFired.ShouldBeEmpty();
    }

    [Fact]
    public void Over_a_reliable_transport_there_are_no_retransmissions_and_timer_d_is_zero_yet_the_ack_goes_out()
    {
        var channel = new RecordingChannel(_clock, reliable: true);
        var transaction = Create(invite: true, channel);
        transaction.Start(Invite);
        _clock.RunFor(TimeSpan.FromSeconds(3));

        transaction.ReceiveResponse(603).ShouldBe(ClientResponseDisposition.DeliverAndAcknowledge);
        transaction.SendAck(Ack).ShouldBeTrue();
        transaction.SendAck(Ack).ShouldBeFalse();

        channel.Sent.Select(s => (s.At, s.Message[..3])).ShouldBe([(TimeSpan.Zero, "INV"), (TimeSpan.FromSeconds(3), "ACK")]);
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(3), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Timer_b_still_runs_over_a_reliable_transport()
    {
        var channel = new RecordingChannel(_clock, reliable: true);
        Create(invite: true, channel).Start(Invite);

        _clock.RunFor(TimeSpan.FromSeconds(33));

        channel.SendTimes.ShouldBe(Seconds.Of(0));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Timeout)]);
    }

    [Fact]
    public void A_2xx_moves_to_accepted_where_2xx_retransmissions_are_delivered_until_timer_m()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.Start(Invite);

        transaction.ReceiveResponse(200).ShouldBe(ClientResponseDisposition.Deliver);
        transaction.State.ShouldBe(TransactionState.Accepted);
        _clock.RunFor(TimeSpan.FromSeconds(4));
        transaction.ReceiveResponse(200).ShouldBe(ClientResponseDisposition.Deliver);
        transaction.ReceiveResponse(180).ShouldBe(ClientResponseDisposition.Absorb);
        _clock.RunFor(TimeSpan.FromSeconds(30));

        channel.SendTimes.ShouldBe(Seconds.Of(0));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Completed)]);
        _user.TimerCFired.ShouldBeEmpty();
    }

    [Fact]
    public void Non_invite_is_resent_on_timer_e_capped_at_t2_until_timer_f()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: false, channel);

        transaction.Start("OPTIONS sip:b@h SIP/2.0\r\n\r\n"u8);
        transaction.State.ShouldBe(TransactionState.Trying);
        _clock.RunFor(TimeSpan.FromSeconds(40));

        // E: 0.5, 1, 2, then T2 = 4 s apart; F = 64*T1 = 32 s.
        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Timeout)]);
    }

    [Fact]
    public void Non_invite_in_proceeding_is_resent_every_t2()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: false, channel);
        transaction.Start("BYE sip:b@h SIP/2.0\r\n\r\n"u8);
        _clock.RunFor(TimeSpan.FromMilliseconds(100));

        transaction.ReceiveResponse(100).ShouldBe(ClientResponseDisposition.Deliver);
        transaction.State.ShouldBe(TransactionState.Proceeding);
        _clock.RunFor(TimeSpan.FromSeconds(13));

        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5, 4.5, 8.5, 12.5));
    }

    [Fact]
    public void Non_invite_final_answer_is_delivered_once_and_timer_k_ends_it_after_t4()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: false, channel);
        transaction.Start("BYE sip:b@h SIP/2.0\r\n\r\n"u8);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        transaction.ReceiveResponse(200).ShouldBe(ClientResponseDisposition.Deliver);
        transaction.State.ShouldBe(TransactionState.Completed);
        transaction.ReceiveResponse(200).ShouldBe(ClientResponseDisposition.Absorb);
        _clock.RunFor(TimeSpan.FromSeconds(10));

        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(6), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Non_invite_over_a_reliable_transport_ends_with_the_final_answer()
    {
        var transaction = Create(invite: false, new RecordingChannel(_clock, reliable: true));
        transaction.Start("BYE sip:b@h SIP/2.0\r\n\r\n"u8);

        transaction.ReceiveResponse(481);

        _user.Ended.ShouldBe([(TimeSpan.Zero, TransactionEnd.Completed)]);
    }

    [Fact]
    public void A_refused_first_send_fails_start_and_a_refused_retransmission_ends_it()
    {
        var refused = Create(invite: true, new RecordingChannel(_clock) { Fail = true });
        refused.Start(Invite).ShouldBeFalse();

        var channel = new RecordingChannel(_clock);
        var later = Create(invite: false, channel);
        later.Start("OPTIONS sip:b@h SIP/2.0\r\n\r\n"u8);
        channel.Fail = true;
        _clock.RunFor(TimeSpan.FromSeconds(1));

        _user.Ended.ShouldBe([(TimeSpan.Zero, TransactionEnd.TransportError), (TimeSpan.FromSeconds(0.5), TransactionEnd.TransportError)]);
        _clock.Wheel.Count.ShouldBe(0);
    }
}
