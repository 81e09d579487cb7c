using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// Keeps the NAT mappings of registered phones open: every <see cref="NatPingOptions.Interval"/> each
/// binding to ping (<see cref="NatPingTarget"/>) gets one keepalive from the socket its REGISTER arrived on,
/// since only that socket's address is in the NAT's mapping. The pings of one round are spread evenly over
/// the interval instead of going out in one burst: binding i of n is due at i * interval / n.
/// Runs on the process's timer wheel with one entry; a round starts from a fresh snapshot of the location
/// store, so bindings that came or went meanwhile are picked up.
/// </summary>
/// <remarks>
/// Ownership: one round at a time; the wheel callback and the round's awaited sends never overlap
/// because the next step is scheduled only once the current one is done. Counters are updated with
/// Interlocked and may be read from any thread.
/// </remarks>
public sealed class NatPinger : ITimerWheelTarget, IDisposable
{
    /// <summary>nathelper's UDP keepalive: 4 bytes, all zero (a SIP stack drops it; the NAT sees traffic).</summary>
    private static readonly byte[] Keepalive = new byte[4];

    private readonly ILocationStore _store;
    private readonly INatPingSender _sender;
    private readonly TimerWheel _wheel;
    private readonly NatPingOptions _options;
    private readonly NatPingRequest? _pingRequest;
    private readonly TimerWheelEntry _entry;
    private readonly CancellationTokenSource _stop = new();
    private List<NatPingTarget> _round = [];
    private int _next;
    private long _roundStart;
    private long _sent;
    private long _failed;
    private long _rounds;

    public NatPinger(ILocationStore store, INatPingSender sender, TimerWheel wheel, NatPingOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(wheel);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _sender = sender;
        _wheel = wheel;
        _options = options;
        _pingRequest = options.SipMethod is { } method ? new NatPingRequest(method) : null;
        _entry = new TimerWheelEntry(this, 0);
    }

    /// <summary>Pings sent since start.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Pings that found no socket to leave from.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Rounds begun since start.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The first round begins one interval from now, as SER's timer does.</summary>
    public void Start()
    {
        if (_options.Enabled)
        {
            _wheel.Schedule(_entry, _options.Interval);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _entry.Cancel();
        _stop.Dispose();
    }

    /// <summary>Only this pinger arms its entry, and only once a step has finished, so every expiry is current.</summary>
    public void OnTimerExpired(TimerExpiry expiry) => _ = StepAsync();

    private async Task StepAsync()
    {
        try
        {
            var time = _wheel.TimeProvider;
            if (_next >= _round.Count)
            {
                await BeginRoundAsync(time).ConfigureAwait(false);
            }

            var elapsed = time.GetElapsedTime(_roundStart);
            while (_next < _round.Count && DueAt(_next) <= elapsed)
            {
                await PingAsync(_round[_next]).ConfigureAwait(false);
                _next++;
            }

            if (_stop.IsCancellationRequested)
            {
                return;
            }

            var nextDue = _next < _round.Count ? DueAt(_next) : _options.Interval;
            var delay = nextDue - time.GetElapsedTime(_roundStart);
            _wheel.Schedule(_entry, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception) when (!_stop.IsCancellationRequested)
        {
            // A store that is down skips this round; the next one tries again.
            _round = [];
            _next = 0;
            _wheel.Schedule(_entry, _options.Interval);
        }
    }

    private async Task BeginRoundAsync(TimeProvider time)
    {
        _roundStart = time.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        var bindings = await _store.GetAllAsync(_stop.Token).ConfigureAwait(false);
        var round = new List<NatPingTarget>(bindings.Count);
        foreach (var binding in bindings)
        {
            if (NatPingTarget.TryCreate(binding, _options.NatedOnly, now, out var target))
            {
                round.Add(target);
            }
        }

        _round = round;
        _next = 0;
        Interlocked.Increment(ref _rounds);
    }

    private TimeSpan DueAt(int index) => _options.Interval * index / _round.Count;

    private async Task PingAsync(NatPingTarget target)
    {
        var payload = _pingRequest is { } request ? request.Build(target) : Keepalive;
        bool sent = await _sender.SendAsync(target.Socket, target.Destination, payload, _stop.Token).ConfigureAwait(false);
        if (sent)
        {
            Interlocked.Increment(ref _sent);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }

        Telemetry.ProxyMetrics.NatPinged(sent);
    }
}
