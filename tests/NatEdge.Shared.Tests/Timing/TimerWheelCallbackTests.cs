using Microsoft.Extensions.Time.Testing;
using NatEdge.Shared.Timing;

namespace NatEdge.Shared.Tests.Timing;

public class TimerWheelCallbackTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void A_timer_fires_once_at_its_due_time_rounded_up_to_a_tick()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimerWheel(time, Tick, slotCount: 8);
        var fired = 0;
        wheel.Schedule(TimeSpan.FromMilliseconds(250), _ => fired++, null);
        time.Advance(TimeSpan.FromMilliseconds(200));
        fired.ShouldBe(0);
        time.Advance(TimeSpan.FromMilliseconds(100));
        fired.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(5));
        fired.ShouldBe(1);
        wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void Timers_longer_than_one_revolution_wait_for_their_round()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimerWheel(time, Tick, slotCount: 8);   // one revolution = 0.8 s
        var fired = new List<string>();
        wheel.Schedule(TimeSpan.FromSeconds(90), s => fired.Add((string)s!), "long");
        wheel.Schedule(TimeSpan.FromSeconds(0.5), s => fired.Add((string)s!), "short");
        time.Advance(TimeSpan.FromSeconds(89.9));
        fired.ShouldBe(["short"]);
        time.Advance(TimeSpan.FromSeconds(0.1));
        fired.ShouldBe(["short", "long"]);
    }

    [Fact]
    public void A_cancelled_timer_never_fires()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimerWheel(time, Tick);
        var fired = false;
        var entry = wheel.Schedule(TimeSpan.FromSeconds(1), _ => fired = true, null);
        entry.Cancel().ShouldBeTrue();
        entry.Cancel().ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(2));
        fired.ShouldBeFalse();
    }

    [Fact]
    public void Callbacks_may_schedule_more_timers_and_a_failing_one_does_not_stop_the_others()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimerWheel(time, Tick);
        var failures = 0;
        wheel.UnhandledCallbackException += _ => failures++;
        var order = new List<int>();
        wheel.Schedule(TimeSpan.FromSeconds(1), _ => throw new InvalidOperationException("broken"), null);
        wheel.Schedule(TimeSpan.FromSeconds(1), _ =>
        {
            order.Add(1);
            wheel.Schedule(TimeSpan.FromSeconds(1), _ => order.Add(2), null);
        }, null);
        time.Advance(TimeSpan.FromSeconds(1));
        order.ShouldBe([1]);
        failures.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(1));
        order.ShouldBe([1, 2]);
    }

    [Fact]
    public void After_a_pause_longer_than_a_revolution_every_due_timer_fires()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimerWheel(time, TimeSpan.FromSeconds(1), slotCount: 4);
        var fired = 0;
        for (var i = 1; i <= 10; i++) wheel.Schedule(TimeSpan.FromSeconds(i), _ => fired++, null);
        // One step of 20 s: the periodic tick runs, sees the clock 20 ticks ahead and visits every slot.
        time.Advance(TimeSpan.FromSeconds(20));
        fired.ShouldBe(10);
    }
}
