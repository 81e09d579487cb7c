namespace NatEdge.Shared.Timing;

/// <summary>
/// A hashed timing wheel driven by a <see cref="TimeProvider"/>: many timers share one periodic tick
/// instead of one OS timer each. Due times are rounded up to the next tick; a timer further away than one
/// revolution simply waits in its slot for later visits. Callbacks run on the tick's thread, outside the
/// wheel's lock, so they may schedule or cancel timers. With a fake clock the tests own time.
/// </summary>
public sealed class TimerWheel : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _tickTimestampUnits;
    private readonly long _origin;
    private readonly TimerWheelEntry?[] _slots;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private long _processedTick;
    private int _count;
    private bool _disposed;

    /// <param name="time">The clock.</param>
    /// <param name="tick">Resolution. 100 ms suits media timeouts counted in seconds.</param>
    /// <param name="slotCount">Slots per revolution; 1024 ticks of 100 ms cover 102 s, the span of the usual timeouts.</param>
    public TimerWheel(TimeProvider time, TimeSpan tick, int slotCount = 1024)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tick, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotCount, 1);
        _time = time;
        Tick = tick;
        _tickTimestampUnits = Math.Max(1, (long)(tick.TotalSeconds * time.TimestampFrequency));
        _origin = time.GetTimestamp();
        _slots = new TimerWheelEntry?[slotCount];
        _timer = time.CreateTimer(static state => ((TimerWheel)state!).OnTick(), this, tick, tick);
    }

    public TimeSpan Tick { get; }

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Runs <paramref name="callback"/> once, <paramref name="delay"/> from now (rounded up to a tick).</summary>
    public TimerWheelEntry Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        var now = _time.GetTimestamp() - _origin;
        var dueUnits = now + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        var dueTick = (dueUnits + _tickTimestampUnits - 1) / _tickTimestampUnits;
        var entry = new TimerWheelEntry(this, callback, state);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            entry.DueTick = Math.Max(dueTick, _processedTick + 1);
            Link(entry);
        }
        return entry;
    }

    internal bool Cancel(TimerWheelEntry entry)
    {
        lock (_gate)
        {
            if (!entry.IsLinked) return false;
            Unlink(entry);
            return true;
        }
    }

    private void OnTick()
    {
        var currentTick = (_time.GetTimestamp() - _origin) / _tickTimestampUnits;
        List<TimerWheelEntry>? due = null;
        lock (_gate)
        {
            if (_disposed) return;
            var slots = _slots.Length;
            // After a long pause one revolution visits every slot; entries due earlier are all found.
            var first = Math.Max(_processedTick + 1, currentTick - slots + 1);
            for (var tick = first; tick <= currentTick; tick++)
            {
                var entry = _slots[tick % slots];
                while (entry is not null)
                {
                    var next = entry.Next;
                    if (entry.DueTick <= currentTick)
                    {
                        Unlink(entry);
                        (due ??= []).Add(entry);
                    }
                    entry = next;
                }
            }
            if (currentTick > _processedTick) _processedTick = currentTick;
        }

        if (due is null) return;
        foreach (var entry in due)
        {
            try
            {
                entry.Callback(entry.State);
            }
#pragma warning disable CA1031 // a failing callback must not stop every other timer
            catch (Exception e)
#pragma warning restore CA1031
            {
                UnhandledCallbackException?.Invoke(e);
            }
        }
    }

    /// <summary>Reports exceptions thrown by callbacks (they never reach the timer thread).</summary>
    public event Action<Exception>? UnhandledCallbackException;

    private void Link(TimerWheelEntry entry)
    {
        var slot = (int)(entry.DueTick % _slots.Length);
        entry.Slot = slot;
        entry.Previous = null;
        entry.Next = _slots[slot];
        if (entry.Next is not null) entry.Next.Previous = entry;
        _slots[slot] = entry;
        entry.IsLinked = true;
        _count++;
    }

    private void Unlink(TimerWheelEntry entry)
    {
        if (entry.Previous is null) _slots[entry.Slot] = entry.Next;
        else entry.Previous.Next = entry.Next;
        if (entry.Next is not null) entry.Next.Previous = entry.Previous;
        entry.Next = entry.Previous = null;
        entry.IsLinked = false;
        _count--;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _timer.Dispose();
    }
}

/// <summary>A scheduled timer; <see cref="Cancel"/> it when it is no longer needed.</summary>
public sealed class TimerWheelEntry
{
    private readonly TimerWheel _wheel;

    internal TimerWheelEntry(TimerWheel wheel, Action<object?> callback, object? state)
    {
        _wheel = wheel;
        Callback = callback;
        State = state;
    }

    internal Action<object?> Callback { get; }
    internal object? State { get; }
    internal long DueTick { get; set; }
    internal int Slot { get; set; }
    internal bool IsLinked { get; set; }
    internal TimerWheelEntry? Next { get; set; }
    internal TimerWheelEntry? Previous { get; set; }

    /// <summary>Cancels the timer; false when it already ran or was cancelled.</summary>
    public bool Cancel() => _wheel.Cancel(this);
}
