namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// Runs an async job every <c>timer_interval</c> on a <see cref="TimeProvider"/> timer (so tests
/// drive it with a fake clock). A run never overlaps the previous one; a failing run (database
/// down) is remembered in <see cref="LastError"/> and tried again next period.
/// </summary>
public sealed class PeriodicWork : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask> _work;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private int _busy;
    private int _completedRuns;

    public PeriodicWork(TimeProvider time, TimeSpan period, Func<CancellationToken, ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        _work = work;
        _timer = time.CreateTimer(static state => ((PeriodicWork)state!).Tick(), this, period, period);
    }

    public Exception? LastError { get; private set; }

    /// <summary>How many runs have finished, failed or not.</summary>
    public int CompletedRuns => Volatile.Read(ref _completedRuns);

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1)
        {
            return;
        }

        _running = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        try
        {
            await _work(_stopping.Token).ConfigureAwait(false);
            LastError = null;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A timer job must survive any failure and try again next period.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LastError = exception;
        }
        finally
        {
            Interlocked.Increment(ref _completedRuns);
            Volatile.Write(ref _busy, 0);
        }
    }
}
