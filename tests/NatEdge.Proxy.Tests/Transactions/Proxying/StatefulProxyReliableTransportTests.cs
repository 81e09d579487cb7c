using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Transactions.Proxying;

// RFC 3261 section 16 over TCP on both sides: sections 17.1.1.2 and 17.1.2.2 set Timers D and K to
// zero on a reliable transport, 17.2.1 and 17.2.2 Timers I and J, and no request or response is
// retransmitted. A final answer must still reach the caller as the callee sent it.
public sealed class StatefulProxyReliableTransportTests : IDisposable
{
    private const string Bob = "127.0.0.2:5060";
    private const string BobUri = "sip:1001@127.0.0.2:5060;transport=tcp";

    private readonly ProxyHarness _h = new(reliable: true);

    public void Dispose() => _h.Dispose();

    private string[] CallerGot() => _h.Caller.Sent.Select(s => StartLine(s.Message)).ToArray();

    [Theory]
    [InlineData(200)]
    [InlineData(481)]
    public void The_final_answer_to_a_bye_goes_upstream_unchanged_and_both_transactions_end_at_once(int code)
    {
        _h.Relay(Request("BYE", toTag: "callee-tag"), BobUri).ShouldBe(RelayResult.Forwarded);

        _h.Respond(Bob, 0, code).ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe([$"SIP/2.0 {code} X"]);
        Lines(_h.Caller.Sent[0].Message, "Via:").ShouldBe(["Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bKcaller1"]);
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void A_bye_is_sent_once_and_nothing_more_goes_either_way_after_its_answer()
    {
        _h.Relay(Request("BYE", toTag: "callee-tag"), BobUri);
        _h.Clock.RunFor(TimeSpan.FromSeconds(2));
        _h.Respond(Bob, 0, 200);

        _h.Clock.RunFor(TimeSpan.FromSeconds(33));

        _h.Downstream(Bob).SendTimes.ShouldBe(Seconds.Of(0));
        CallerGot().ShouldBe(["SIP/2.0 200 X"]);
        _h.Clock.Wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void A_busy_callee_is_acknowledged_once_and_the_caller_gets_its_486()
    {
        _h.Relay(Request("INVITE"), BobUri);
        _h.Respond(Bob, 0, 180);

        _h.Respond(Bob, 0, 486, toTag: "busy-tag").ShouldBe(ResponseResult.Handled);

        CallerGot().ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X", "SIP/2.0 486 X"]);
        var sent = _h.Downstream(Bob).Sent.Select(s => StartLine(s.Message)).ToArray();
        sent.ShouldBe([$"INVITE {BobUri} SIP/2.0", $"ACK {BobUri} SIP/2.0"]);
        _h.Proxy.ClientTransactionCount.ShouldBe(0);

        // The server transaction waits for the caller's ACK (Timer H), then Timer I is zero.
        _h.Proxy.ServerTransactionCount.ShouldBe(1);
        _h.Proxy.TryAbsorb(Parse(Request("ACK", toTag: "busy-tag"))).ShouldBeTrue();
        _h.Proxy.ServerTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void A_non_invite_without_answer_still_ends_in_408_at_timer_f_without_retransmissions()
    {
        _h.Relay(Request("OPTIONS"), BobUri);

        _h.Clock.RunFor(TimeSpan.FromSeconds(33));

        CallerGot().ShouldBe(["SIP/2.0 408 Request Timeout"]);
        _h.Downstream(Bob).SendTimes.ShouldBe(Seconds.Of(0));
    }
}
