namespace NatEdge.Shared.Timing;

/// <summary>
/// Receives expired timers. Called on a timer thread, outside the wheel's lock, so it may schedule
/// or cancel timers itself; it must check <see cref="TimerExpiry.IsCurrent"/> under its own lock
/// because a cancel may have raced with the expiry.
/// </summary>
public interface ITimerWheelTarget
{
    void OnTimerExpired(TimerExpiry expiry);
}
