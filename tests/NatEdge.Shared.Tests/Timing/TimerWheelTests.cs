using Microsoft.Extensions.Time.Testing;
using NatEdge.Shared.Timing;

namespace NatEdge.Shared.Tests.Timing;

public sealed class TimerWheelTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TimerWheel _wheel;
    private readonly RecordingTarget _target;

    public TimerWheelTests()
    {
        _wheel = new TimerWheel(_clock, TimeSpan.FromMilliseconds(10), slotCount: 64);
        _target = new RecordingTarget(_clock);
    }

    public void Dispose() => _wheel.Dispose();

    [Fact]
    public void Fires_at_its_deadline_and_not_one_tick_before()
    {
        var entry = new TimerWheelEntry(_target, timerId: 1);
        _wheel.Schedule(entry, TimeSpan.FromMilliseconds(500));

        _clock.Advance(TimeSpan.FromMilliseconds(490));
        _target.Fired.ShouldBeEmpty();

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        _target.Fired.ShouldBe([(1, TimeSpan.FromMilliseconds(500))]);
        entry.IsScheduled.ShouldBeFalse();
        _wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void A_deadline_between_ticks_is_rounded_up_never_down()
    {
        _wheel.Schedule(new TimerWheelEntry(_target, 1), TimeSpan.FromMilliseconds(503));

        _clock.Advance(TimeSpan.FromMilliseconds(503));
        _target.Fired.ShouldBeEmpty();

        _clock.Advance(TimeSpan.FromMilliseconds(7));
        _target.Fired.Single().At.ShouldBe(TimeSpan.FromMilliseconds(510));
    }

    [Fact]
    public void Scheduling_off_a_tick_boundary_still_fires_on_time()
    {
        _clock.Advance(TimeSpan.FromMilliseconds(3));
        _wheel.Schedule(new TimerWheelEntry(_target, 1), TimeSpan.FromMilliseconds(97));

        _clock.Advance(TimeSpan.FromMilliseconds(96));
        _target.Fired.ShouldBeEmpty();

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _target.Fired.Single().At.ShouldBe(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_deadline_beyond_one_turn_waits_for_its_round()
    {
        // 64 buckets of 10 ms: one turn is 640 ms, so 32 s (Timer B with T1 = 500 ms) wraps 50 times.
        _wheel.Schedule(new TimerWheelEntry(_target, 2), TimeSpan.FromSeconds(32));

        _clock.Advance(TimeSpan.FromSeconds(31.99));
        _target.Fired.ShouldBeEmpty();

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        _target.Fired.Single().At.ShouldBe(TimeSpan.FromSeconds(32));
    }

    [Fact]
    public void A_cancelled_entry_never_fires()
    {
        var entry = new TimerWheelEntry(_target, 1);
        _wheel.Schedule(entry, TimeSpan.FromMilliseconds(100));

        _wheel.Cancel(entry).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(1));

        _target.Fired.ShouldBeEmpty();
        _wheel.Count.ShouldBe(0);
        _wheel.Cancel(entry).ShouldBeFalse();
    }

    [Fact]
    public void Rescheduling_moves_the_deadline()
    {
        var entry = new TimerWheelEntry(_target, 1);
        _wheel.Schedule(entry, TimeSpan.FromMilliseconds(100));
        _clock.Advance(TimeSpan.FromMilliseconds(50));

        _wheel.Schedule(entry, TimeSpan.FromMilliseconds(200));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        _target.Fired.ShouldBeEmpty();

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        _target.Fired.Single().At.ShouldBe(TimeSpan.FromMilliseconds(250));
        _wheel.Count.ShouldBe(0);
    }

    [Fact]
    public void A_clock_jump_over_many_turns_fires_everything_due_in_deadline_order()
    {
        var delays = new[] { 700, 30, 640, 10, 1280, 330 };
        foreach (var delay in delays)
        {
            _wheel.Schedule(new TimerWheelEntry(_target, delay), TimeSpan.FromMilliseconds(delay));
        }

        _clock.Advance(TimeSpan.FromSeconds(2));

        _target.Fired.Select(f => f.TimerId).ShouldBe([10, 30, 330, 640, 700, 1280]);
    }

    [Fact]
    public void Many_entries_fire_each_at_its_own_tick_when_time_flows()
    {
        var delays = new[] { 700, 30, 640, 10, 1280, 330 };
        foreach (var delay in delays)
        {
            _wheel.Schedule(new TimerWheelEntry(_target, delay), TimeSpan.FromMilliseconds(delay));
        }

        AdvanceTickByTick(TimeSpan.FromSeconds(2));

        _target.Fired.Select(f => f.TimerId).ShouldBe([10, 30, 330, 640, 700, 1280]);
        _target.Fired.ShouldAllBe(f => f.At == TimeSpan.FromMilliseconds(f.TimerId));
    }

    [Fact]
    public void A_target_can_rearm_its_own_entry_from_the_callback()
    {
        // Timer A style: 500 ms, then doubled each time.
        var doubling = new DoublingTarget(_clock, _wheel, TimeSpan.FromMilliseconds(500));
        doubling.Start();

        AdvanceTickByTick(TimeSpan.FromSeconds(7.5));

        TimeSpan[] expected = [TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(3500), TimeSpan.FromMilliseconds(7500)];
        doubling.FiredAt.ShouldBe(expected);
    }

    [Fact]
    public void An_expiry_collected_before_a_cancel_is_reported_stale()
    {
        var entry = new TimerWheelEntry(_target, 1);
        _wheel.Schedule(entry, TimeSpan.FromMilliseconds(10));
        TimerExpiry? seen = null;
        _target.OnFired = expiry =>
        {
            _wheel.Cancel(expiry.Entry);
            seen = expiry;
        };

        _clock.Advance(TimeSpan.FromMilliseconds(10));

        seen.ShouldNotBeNull();
        seen.Value.IsCurrent.ShouldBeFalse();
    }

    [Fact]
    public void An_idle_wheel_stops_its_timer_and_restarts_on_the_next_schedule()
    {
        _wheel.Schedule(new TimerWheelEntry(_target, 1), TimeSpan.FromMilliseconds(20));
        _clock.Advance(TimeSpan.FromMilliseconds(20));
        _wheel.Count.ShouldBe(0);

        _clock.Advance(TimeSpan.FromMinutes(10));
        _wheel.Schedule(new TimerWheelEntry(_target, 2), TimeSpan.FromMilliseconds(40));
        _clock.Advance(TimeSpan.FromMilliseconds(40));

        _target.Fired.Select(f => f.TimerId).ShouldBe([1, 2]);
        _target.Fired[1].At.ShouldBe(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(60));
    }

    [Fact]
    public void A_throwing_target_does_not_stop_the_others()
    {
        var errors = new List<Exception>();
        using var wheel = new TimerWheel(_clock, TimeSpan.FromMilliseconds(10), 64);
        wheel.UnhandledCallbackException += errors.Add;
        var thrower = new RecordingTarget(_clock) { OnFired = _ => throw new InvalidOperationException("boom") };
        wheel.Schedule(new TimerWheelEntry(thrower, 1), TimeSpan.FromMilliseconds(10));
        wheel.Schedule(new TimerWheelEntry(_target, 2), TimeSpan.FromMilliseconds(10));

        _clock.Advance(TimeSpan.FromMilliseconds(10));

        errors.Single().Message.ShouldBe("boom");
        _target.Fired.Single().TimerId.ShouldBe(2);
    }

    private void AdvanceTickByTick(TimeSpan total)
    {
        for (var done = TimeSpan.Zero; done < total; done += _wheel.Tick)
        {
            _clock.Advance(_wheel.Tick);
        }
    }

    private sealed class RecordingTarget(FakeTimeProvider clock) : ITimerWheelTarget
    {
        private readonly DateTimeOffset _start = clock.GetUtcNow();

        public List<(int TimerId, TimeSpan At)> Fired { get; } = [];

        public Action<TimerExpiry>? OnFired { get; set; }

        public void OnTimerExpired(TimerExpiry expiry)
        {
            OnFired?.Invoke(expiry);
            if (expiry.IsCurrent)
            {
                Fired.Add((expiry.TimerId, clock.GetUtcNow() - _start));
            }
        }
    }

    private sealed class DoublingTarget : ITimerWheelTarget
    {
        private readonly FakeTimeProvider _clock;
        private readonly TimerWheel _wheel;
        private readonly TimerWheelEntry _entry;
        private readonly DateTimeOffset _start;
        private TimeSpan _interval;

        public DoublingTarget(FakeTimeProvider clock, TimerWheel wheel, TimeSpan first)
        {
            _clock = clock;
            _wheel = wheel;
            _interval = first;
            _entry = new TimerWheelEntry(this, 0);
            _start = clock.GetUtcNow();
        }

        public List<TimeSpan> FiredAt { get; } = [];

        public void Start() => _wheel.Schedule(_entry, _interval);

        public void OnTimerExpired(TimerExpiry expiry)
        {
            FiredAt.Add(_clock.GetUtcNow() - _start);
            _interval += _interval;
            _wheel.Schedule(_entry, _interval);
        }
    }
}
