using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Tests.Transactions;

// Expected values: RFC 3261 Table 4 (appendix A) and section 17; Timer C from section 16.6.
public sealed class SipTimersTests
{
    private static readonly SipTimers Defaults = SipTimers.Default;

    [Fact]
    public void Base_values_are_the_rfc_defaults()
    {
        Defaults.T1.ShouldBe(TimeSpan.FromMilliseconds(500));
        Defaults.T2.ShouldBe(TimeSpan.FromSeconds(4));
        Defaults.T4.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Derived_timers_follow_table_4_over_udp()
    {
        Defaults.TimerA.ShouldBe(TimeSpan.FromMilliseconds(500));
        Defaults.TimerB.ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerD(reliable: false).ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerE.ShouldBe(TimeSpan.FromMilliseconds(500));
        Defaults.TimerF.ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerG.ShouldBe(TimeSpan.FromMilliseconds(500));
        Defaults.TimerH.ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerI(reliable: false).ShouldBe(TimeSpan.FromSeconds(5));
        Defaults.TimerJ(reliable: false).ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerK(reliable: false).ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Wait_timers_are_zero_over_reliable_transports()
    {
        Defaults.TimerD(reliable: true).ShouldBe(TimeSpan.Zero);
        Defaults.TimerI(reliable: true).ShouldBe(TimeSpan.Zero);
        Defaults.TimerJ(reliable: true).ShouldBe(TimeSpan.Zero);
        Defaults.TimerK(reliable: true).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Timer_c_is_longer_than_three_minutes()
    {
        Defaults.TimerC.ShouldBeGreaterThan(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void Rfc6026_timers_l_and_m_are_64_t1()
    {
        Defaults.TimerL.ShouldBe(TimeSpan.FromSeconds(32));
        Defaults.TimerM.ShouldBe(TimeSpan.FromSeconds(32));
    }

    [Fact]
    public void Fr_timer_overrides_timers_b_and_f_and_scales_nothing_else()
    {
        var timers = new SipTimers { FinalResponseTimeout = TimeSpan.FromSeconds(10) };

        timers.TimerB.ShouldBe(TimeSpan.FromSeconds(10));
        timers.TimerF.ShouldBe(TimeSpan.FromSeconds(10));
        timers.TimerH.ShouldBe(TimeSpan.FromSeconds(32));
    }

    [Fact]
    public void A_shorter_t1_scales_the_64_t1_timers()
    {
        var timers = new SipTimers { T1 = TimeSpan.FromMilliseconds(50) };

        timers.TimerB.ShouldBe(TimeSpan.FromMilliseconds(3200));
        timers.TimerJ(reliable: false).ShouldBe(TimeSpan.FromMilliseconds(3200));
    }

    [Theory]
    [InlineData(0, 4000, 5000, "T1")]
    [InlineData(500, 400, 5000, "T2")]
    [InlineData(500, 4000, 0, "T4")]
    public void Inconsistent_settings_are_reported(int t1, int t2, int t4, string named)
    {
        var timers = new SipTimers { T1 = TimeSpan.FromMilliseconds(t1), T2 = TimeSpan.FromMilliseconds(t2), T4 = TimeSpan.FromMilliseconds(t4) };

        timers.Validate().ShouldNotBeNull().ShouldStartWith(named);
        Defaults.Validate().ShouldBeNull();
    }
}
