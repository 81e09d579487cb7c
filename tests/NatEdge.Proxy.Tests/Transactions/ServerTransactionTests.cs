using System.Text;
using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Tests.Transactions;

// Server transactions, RFC 3261 section 17.2 (figures 7 and 8) with RFC 6026 for 2xx.
public sealed class ServerTransactionTests : IDisposable
{
    private readonly FakeClock _clock = new();
    private readonly RecordingUser _user;

    public ServerTransactionTests()
    {
        _user = new RecordingUser(_clock);
    }

    public void Dispose() => _clock.Dispose();

    private ServerTransaction Create(bool invite, RecordingChannel channel, SipTimers? timers = null)
        => new("key"u8.ToArray(), invite, channel, timers ?? SipTimers.Default, _clock.Wheel, _user);

    private static byte[] Response(int code) => Encoding.ASCII.GetBytes($"SIP/2.0 {code} X\r\n\r\n");

    [Fact]
    public void Invite_starts_proceeding_and_a_retransmitted_invite_gets_the_100_again()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.State.ShouldBe(TransactionState.Proceeding);
        transaction.SendResponse(100, Response(100)).ShouldBeTrue();

        _clock.RunFor(TimeSpan.FromMilliseconds(300));
        transaction.ReceiveRequest(isAck: false).ShouldBe(ServerRequestDisposition.Absorbed);

        channel.Sent.Select(s => s.Message).ShouldBe([Encoding.ASCII.GetString(Response(100)), Encoding.ASCII.GetString(Response(100))]);
        channel.Sent[1].At.ShouldBe(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Negative_invite_answer_is_resent_on_timer_g_doubling_to_t2_until_timer_h()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);

        transaction.SendResponse(486, Response(486));
        transaction.State.ShouldBe(TransactionState.Completed);
        _clock.RunFor(TimeSpan.FromSeconds(33));

        // G: T1, 2T1, 4T1, then capped at T2 = 4 s; H = 64*T1 = 32 s.
        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.AckTimeout)]);
        transaction.State.ShouldBe(TransactionState.Terminated);
        _clock.Wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void Ack_confirms_stops_timer_g_and_timer_i_ends_it_after_t4()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.SendResponse(404, Response(404));
        _clock.RunFor(TimeSpan.FromSeconds(1));

        transaction.ReceiveRequest(isAck: true).ShouldBe(ServerRequestDisposition.AckAbsorbed);
        transaction.State.ShouldBe(TransactionState.Confirmed);
        transaction.ReceiveRequest(isAck: true).ShouldBe(ServerRequestDisposition.AckAbsorbed);
        _clock.RunFor(TimeSpan.FromSeconds(4.99));
        transaction.State.ShouldBe(TransactionState.Confirmed);
        _clock.RunFor(TimeSpan.FromMilliseconds(10));

        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.5));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(6), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Retransmitted_invite_in_completed_gets_the_final_answer_again()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.SendResponse(486, Response(486));
        _clock.RunFor(TimeSpan.FromMilliseconds(200));

        transaction.ReceiveRequest(isAck: false).ShouldBe(ServerRequestDisposition.Absorbed);

        channel.Sent.Count.ShouldBe(2);
        channel.Sent[1].Message.ShouldStartWith("SIP/2.0 486");
    }

    [Fact]
    public void Over_a_reliable_transport_nothing_is_resent_and_the_ack_ends_it_at_once()
    {
        var channel = new RecordingChannel(_clock, reliable: true);
        var transaction = Create(invite: true, channel);
        transaction.SendResponse(486, Response(486));
        _clock.RunFor(TimeSpan.FromSeconds(5));

        transaction.ReceiveRequest(isAck: true).ShouldBe(ServerRequestDisposition.AckAbsorbed);

        channel.SendTimes.ShouldBe(Seconds.Of(0));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(5), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Timer_h_still_runs_over_a_reliable_transport()
    {
        var transaction = Create(invite: true, new RecordingChannel(_clock, reliable: true));
        transaction.SendResponse(503, Response(503));

        _clock.RunFor(TimeSpan.FromSeconds(40));

        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.AckTimeout)]);
    }

    [Fact]
    public void A_2xx_moves_to_accepted_where_2xx_retransmissions_pass_and_timer_l_ends_it()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: true, channel);
        transaction.SendResponse(180, Response(180));
        transaction.SendResponse(200, Response(200)).ShouldBeTrue();
        transaction.State.ShouldBe(TransactionState.Accepted);

        _clock.RunFor(TimeSpan.FromSeconds(1));
        transaction.ReceiveRequest(isAck: false).ShouldBe(ServerRequestDisposition.Absorbed);
        transaction.SendResponse(200, Response(200)).ShouldBeTrue();
        transaction.SendResponse(486, Response(486)).ShouldBeFalse();
        transaction.ReceiveRequest(isAck: true).ShouldBe(ServerRequestDisposition.PassUp);
        _clock.RunFor(TimeSpan.FromSeconds(31));

        // RFC 6026: the proxy does not resend the 2xx itself; the second one came from the UAS.
        channel.SendTimes.ShouldBe(Seconds.Of(0, 0, 1));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Non_invite_absorbs_retransmissions_silently_while_trying()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: false, channel);
        transaction.State.ShouldBe(TransactionState.Trying);

        transaction.ReceiveRequest(isAck: false).ShouldBe(ServerRequestDisposition.Absorbed);

        channel.Sent.ShouldBeEmpty();
    }

    [Fact]
    public void Non_invite_final_answer_is_resent_for_retransmissions_until_timer_j()
    {
        var channel = new RecordingChannel(_clock);
        var transaction = Create(invite: false, channel);
        transaction.SendResponse(183, Response(183));
        transaction.State.ShouldBe(TransactionState.Proceeding);
        transaction.ReceiveRequest(isAck: false);
        transaction.SendResponse(200, Response(200));
        transaction.State.ShouldBe(TransactionState.Completed);

        _clock.RunFor(TimeSpan.FromSeconds(10));
        transaction.ReceiveRequest(isAck: false);
        transaction.SendResponse(500, Response(500)).ShouldBeFalse();
        _clock.RunFor(TimeSpan.FromSeconds(23));

        channel.Sent.Select(s => (s.At, s.Message[..11])).ShouldBe(
        [
            (TimeSpan.Zero, "SIP/2.0 183"),
            (TimeSpan.Zero, "SIP/2.0 183"),
            (TimeSpan.Zero, "SIP/2.0 200"),
            (TimeSpan.FromSeconds(10), "SIP/2.0 200"),
        ]);
        // J = 64*T1 = 32 s over UDP; no retransmission timer for non-INVITE answers.
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(32), TransactionEnd.Completed)]);
    }

    [Fact]
    public void Non_invite_over_a_reliable_transport_ends_with_the_final_answer()
    {
        var transaction = Create(invite: false, new RecordingChannel(_clock, reliable: true));

        transaction.SendResponse(200, Response(200));

        transaction.State.ShouldBe(TransactionState.Terminated);
        _user.Ended.ShouldBe([(TimeSpan.Zero, TransactionEnd.Completed)]);
    }

    [Fact]
    public void A_transport_failure_terminates_with_transport_error()
    {
        var channel = new RecordingChannel(_clock) { Fail = true };
        var transaction = Create(invite: true, channel);

        transaction.SendResponse(100, Response(100)).ShouldBeFalse();

        _user.Ended.ShouldBe([(TimeSpan.Zero, TransactionEnd.TransportError)]);
        _clock.Wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void Timers_scale_with_a_configured_t1()
    {
        var channel = new RecordingChannel(_clock);
        var timers = new SipTimers { T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400) };
        Create(invite: true, channel, timers).SendResponse(480, Response(480));

        _clock.RunFor(TimeSpan.FromSeconds(7));

        channel.SendTimes.ShouldBe(Seconds.Of(0, 0.1, 0.3, 0.7, 1.1, 1.5, 1.9, 2.3, 2.7, 3.1, 3.5, 3.9, 4.3, 4.7, 5.1, 5.5, 5.9, 6.3));
        _user.Ended.ShouldBe([(TimeSpan.FromSeconds(6.4), TransactionEnd.AckTimeout)]);
    }

    [Fact]
    public void Abort_ends_it_once_and_stops_its_timers()
    {
        var transaction = Create(invite: true, new RecordingChannel(_clock));
        transaction.SendResponse(486, Response(486));

        transaction.Abort();
        transaction.Abort();

        _user.Ended.ShouldBe([(TimeSpan.Zero, TransactionEnd.Aborted)]);
        _clock.Wheel.Count.ShouldBe(0);
    }
}
