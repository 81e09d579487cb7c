using System.Buffers;

namespace NatEdge.Shared.Timing;

/// <summary>
/// A hashed timing wheel (Varghese and Lauck) for every SIP timer of a process: one
/// <see cref="ITimer"/> from the <see cref="TimeProvider"/> ticks it, entries are intrusive
/// (<see cref="TimerWheelEntry"/>), schedule and cancel are O(1).
/// </summary>
/// <remarks>
/// Sizing: with the default 10 ms tick and 1024 buckets one turn covers 10.24 s, which holds the
/// short RFC 3261 timers (T1 = 500 ms doubling to T2 = 4 s, T4 = 5 s) without wrapping; the long
/// ones (Timer B/F/H/J at 32 s, Timer C over 3 minutes, registration expiry) wrap and stay in their
/// bucket until their absolute deadline tick comes, so a bucket visit also skips a few long timers.
/// The underlying timer runs only while entries are scheduled, so an idle wheel costs nothing,
/// and its ticks are aligned on tick boundaries so a fake clock sees exact deadlines.
/// A timer never fires early; it fires at the first tick boundary at or after its deadline.
/// Ownership and locking: the buckets, links and the tick counter are guarded by one lock; callbacks
/// run after it is released, on the timer's thread.
/// </remarks>
public sealed class TimerWheel : IDisposable
{
    public static readonly TimeSpan DefaultTick = TimeSpan.FromMilliseconds(10);

    public const int DefaultBucketCount = 1024;

    private readonly TimeProvider _timeProvider;
    private readonly long _tickLength;
    private readonly TimerWheelEntry?[] _buckets;
    private readonly long _origin;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _processedTick;
    private int _count;
    private bool _running;
    private bool _disposed;

    /// <param name="tick">Resolution; 10 ms by default, which SIP's 500 ms T1 needs. Media timeouts counted in seconds do well with 100 ms.</param>
    /// <param name="slotCount">Buckets per turn of the wheel.</param>
    public TimerWheel(TimeProvider timeProvider, TimeSpan? tick = null, int slotCount = DefaultBucketCount)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var tickLength = tick ?? DefaultTick;
        ArgumentOutOfRangeException.ThrowIfLessThan(tickLength, TimeSpan.FromMilliseconds(1), nameof(tick));
        ArgumentOutOfRangeException.ThrowIfLessThan(slotCount, 1);

        _timeProvider = timeProvider;
        _tickLength = tickLength.Ticks;
        _buckets = new TimerWheelEntry?[slotCount];
        _origin = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static state => ((TimerWheel)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Tick => TimeSpan.FromTicks(_tickLength);

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Entries currently scheduled.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Reports exceptions thrown by timer targets and callbacks; they never reach the timer thread.</summary>
    public event Action<Exception>? UnhandledCallbackException;

    /// <summary>
    /// Runs <paramref name="callback"/> once, <paramref name="delay"/> from now (rounded up to a tick).
    /// Convenient for occasional timers; it allocates an entry per call, so per-message timers
    /// should own a <see cref="TimerWheelEntry"/> and use <see cref="Schedule(TimerWheelEntry, TimeSpan)"/>.
    /// </summary>
    public TimerWheelEntry Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var entry = new TimerWheelEntry(callback, state);
        Schedule(entry, delay);
        return entry;
    }

    /// <summary>Arms <paramref name="entry"/> to expire after <paramref name="delay"/>; re-arms it if it was already scheduled.</summary>
    public void Schedule(TimerWheelEntry entry, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (entry.IsScheduled)
            {
                Unlink(entry);
            }

            entry.Wheel = this;

            var elapsed = ElapsedTicks();
            if (!_running)
            {
                // Nothing was pending, so no bucket needs a catch-up walk: restart counting from now.
                _processedTick = elapsed / _tickLength;
            }

            var deadline = CeilingDivide(elapsed + delay.Ticks, _tickLength);
            entry.DeadlineTick = Math.Max(deadline, _processedTick + 1);
            entry.Version++;
            Link(entry);
            if (!_running)
            {
                Start(elapsed);
            }
        }
    }

    /// <summary>Disarms <paramref name="entry"/>; returns false when it was not scheduled.</summary>
    public bool Cancel(TimerWheelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            entry.Version++;
            if (!entry.IsScheduled)
            {
                return false;
            }

            Unlink(entry);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _running = false;
        }

        _timer.Dispose();
    }

    private void OnTick()
    {
        TimerExpiry[]? due = null;
        var dueCount = 0;
        lock (_gate)
        {
            if (_disposed || !_running)
            {
                return;
            }

            var nowTick = ElapsedTicks() / _tickLength;
            // Each bucket is visited at most once per call, even after a long stall: every entry due
            // by now sits in one of the visited buckets.
            var lastVisit = Math.Min(nowTick, _processedTick + _buckets.Length);
            for (var tick = _processedTick + 1; tick <= lastVisit; tick++)
            {
                var entry = _buckets[(int)(tick % _buckets.Length)];
                while (entry is not null)
                {
                    var next = entry.Next;
                    if (entry.DeadlineTick <= nowTick)
                    {
                        Unlink(entry);
                        due ??= ArrayPool<TimerExpiry>.Shared.Rent(Math.Max(16, _count + 1));
                        if (dueCount == due.Length)
                        {
                            due = Grow(due);
                        }

                        due[dueCount++] = new TimerExpiry(entry, entry.Version, entry.DeadlineTick);
                    }

                    entry = next;
                }
            }

            _processedTick = Math.Max(_processedTick, nowTick);
            if (_count == 0)
            {
                _running = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (due is null)
        {
            return;
        }

        SortByDeadline(due, dueCount);
        for (var i = 0; i < dueCount; i++)
        {
            Dispatch(due[i]);
        }

        ArrayPool<TimerExpiry>.Shared.Return(due, clearArray: true);
    }

    private void Dispatch(TimerExpiry expiry)
    {
        if (!expiry.IsCurrent)
        {
            return;
        }

        try
        {
            expiry.Entry.Target.OnTimerExpired(expiry);
        }
#pragma warning disable CA1031 // a faulty target must not stop every other timer of the process
        catch (Exception ex)
#pragma warning restore CA1031
        {
            UnhandledCallbackException?.Invoke(ex);
        }
    }

    private void Start(long elapsed)
    {
        _running = true;
        var untilBoundary = _tickLength - (elapsed % _tickLength);
        _timer.Change(TimeSpan.FromTicks(untilBoundary), TimeSpan.FromTicks(_tickLength));
    }

    private void Link(TimerWheelEntry entry)
    {
        var bucket = (int)(entry.DeadlineTick % _buckets.Length);
        var head = _buckets[bucket];
        entry.Previous = null;
        entry.Next = head;
        if (head is not null)
        {
            head.Previous = entry;
        }

        _buckets[bucket] = entry;
        entry.Bucket = bucket;
        _count++;
    }

    private void Unlink(TimerWheelEntry entry)
    {
        if (entry.Previous is null)
        {
            _buckets[entry.Bucket] = entry.Next;
        }
        else
        {
            entry.Previous.Next = entry.Next;
        }

        if (entry.Next is not null)
        {
            entry.Next.Previous = entry.Previous;
        }

        entry.Next = null;
        entry.Previous = null;
        entry.Bucket = -1;
        _count--;
    }

    private long ElapsedTicks() => _timeProvider.GetElapsedTime(_origin).Ticks;

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;

    /// <summary>
    /// After a stall one call collects several ticks' worth in bucket order, which is not deadline
    /// order once the wheel wraps; batches are small, so an insertion sort restores the order.
    /// </summary>
    private static void SortByDeadline(TimerExpiry[] due, int count)
    {
        for (var i = 1; i < count; i++)
        {
            var item = due[i];
            var j = i - 1;
            while (j >= 0 && due[j].DeadlineTick > item.DeadlineTick)
            {
                due[j + 1] = due[j];
                j--;
            }

            due[j + 1] = item;
        }
    }

    private static TimerExpiry[] Grow(TimerExpiry[] array)
    {
        var larger = ArrayPool<TimerExpiry>.Shared.Rent(array.Length * 2);
        array.CopyTo(larger, 0);
        ArrayPool<TimerExpiry>.Shared.Return(array, clearArray: true);
        return larger;
    }
}
