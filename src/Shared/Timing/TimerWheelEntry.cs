namespace NatEdge.Shared.Timing;

/// <summary>
/// One timer slot owned by its user (a transaction holds one per concurrently running timer), linked
/// intrusively into a <see cref="TimerWheel"/> bucket so scheduling and cancelling allocate nothing
/// and cost O(1). The same entry is re-armed over and over (Timer A doubling, Timer E, ...).
/// </summary>
/// <remarks>
/// Links, deadline and version belong to the wheel and change only under the wheel's lock.
/// <see cref="Version"/> moves on every schedule and cancel, so a callback that was already collected
/// for firing when its owner cancelled or re-armed it can tell it is stale (<see cref="TimerExpiry.IsCurrent"/>).
/// </remarks>
public sealed class TimerWheelEntry
{
    public TimerWheelEntry(ITimerWheelTarget target, int timerId)
    {
        Target = target;
        TimerId = timerId;
    }

    internal TimerWheelEntry(Action<object?> callback, object? state)
    {
        Target = CallbackTarget.Instance;
        Callback = callback;
        State = state;
    }

    /// <summary>Who is called when the timer expires.</summary>
    public ITimerWheelTarget Target { get; }

    /// <summary>The owner's name for this timer (for a transaction: which of timers A-K).</summary>
    public int TimerId { get; }

    public bool IsScheduled => Bucket >= 0;

    /// <summary>Cancels the timer; false when it already ran, was cancelled, or was never scheduled.</summary>
    public bool Cancel() => Wheel?.Cancel(this) ?? false;

    internal TimerWheel? Wheel;
    internal readonly Action<object?>? Callback;
    internal readonly object? State;

    internal TimerWheelEntry? Next;
    internal TimerWheelEntry? Previous;
    internal int Bucket = -1;
    internal long DeadlineTick;
    private long _version;

    internal long Version
    {
        get => Volatile.Read(ref _version);
        set => Volatile.Write(ref _version, value);
    }
}

/// <summary>Runs the delegate of an entry made by <see cref="TimerWheel.Schedule(TimeSpan, Action{object?}, object?)"/>.</summary>
internal sealed class CallbackTarget : ITimerWheelTarget
{
    public static readonly CallbackTarget Instance = new();

    public void OnTimerExpired(TimerExpiry expiry) => expiry.Entry.Callback!(expiry.Entry.State);
}
