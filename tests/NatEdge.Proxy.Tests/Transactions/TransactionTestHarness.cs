using System.Text;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Transactions;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Tests.Transactions;

/// <summary>A fake clock driving a real timer wheel, advanced one wheel tick at a time as real time would.</summary>
internal sealed class FakeClock : IDisposable
{
    private readonly DateTimeOffset _start;

    public FakeClock()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _start = Time.GetUtcNow();
        Wheel = new TimerWheel(Time, TimeSpan.FromMilliseconds(10), 1024);
    }

    public FakeTimeProvider Time { get; }

    public TimerWheel Wheel { get; }

    public TimeSpan Elapsed => Time.GetUtcNow() - _start;

    public void RunFor(TimeSpan duration)
    {
        var end = Elapsed + duration;
        while (Elapsed < end)
        {
            Time.Advance(Wheel.Tick);
        }
    }

    public void RunUntil(TimeSpan elapsed) => RunFor(elapsed - Elapsed);

    public void Dispose() => Wheel.Dispose();
}

/// <summary>A channel that records what was sent and when, and can be told to fail.</summary>
internal sealed class RecordingChannel(FakeClock clock, bool reliable = false) : ITransactionChannel
{
    public bool IsReliable { get; } = reliable;

    public bool Fail { get; set; }

    public List<(TimeSpan At, string Message)> Sent { get; } = [];

    public IEnumerable<TimeSpan> SendTimes => Sent.Select(s => s.At);

    public bool Send(ReadOnlyMemory<byte> message)
    {
        if (Fail)
        {
            return false;
        }

        Sent.Add((clock.Elapsed, Encoding.ASCII.GetString(message.Span)));
        return true;
    }
}

internal sealed class RecordingUser(FakeClock clock) : IServerTransactionUser, IClientTransactionUser
{
    public List<(TimeSpan At, TransactionEnd Reason)> Ended { get; } = [];

    public List<TimeSpan> TimerCFired { get; } = [];

    public void OnTerminated(ServerTransaction transaction, TransactionEnd reason) => Ended.Add((clock.Elapsed, reason));

    public void OnTerminated(ClientTransaction transaction, TransactionEnd reason) => Ended.Add((clock.Elapsed, reason));

    public void OnTimerC(ClientTransaction transaction) => TimerCFired.Add(clock.Elapsed);
}

internal static class Seconds
{
    public static TimeSpan[] Of(params double[] values) => values.Select(TimeSpan.FromSeconds).ToArray();
}
