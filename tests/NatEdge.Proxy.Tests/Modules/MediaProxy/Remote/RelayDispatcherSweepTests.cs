using Microsoft.Extensions.Time.Testing;
using NatEdge.Shared.Control;
using static NatEdge.Proxy.Tests.Modules.MediaProxy.Remote.DispatcherHarness;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>The dispatcher forgets calls it will never hear of again (mediaproxy-protocol.md section 2), on a fake clock.</summary>
public sealed class RelayDispatcherSweepTests : IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(600);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly DispatcherHarness _harness;

    public RelayDispatcherSweepTests()
    {
        // The fake clock leaps 600 s at a time, past any ping: a relay is not dropped for silence here.
        _harness = new DispatcherHarness(_time, options => options with { RecoverInterval = TimeSpan.FromDays(7) });
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Calls_of_a_relay_that_stays_away_twelve_hours_are_forgotten()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(relay, "call-1", 1);
        await _harness.DisconnectAsync(relay);

        // cleanup_dead_relays_after: 43200 s, swept every 600 s.
        Advance(TimeSpan.FromSeconds(43200 - 600));
        _harness.Dispatcher.SessionCount.ShouldBe(1, "the relay may still come back with the call");
        Advance(TimeSpan.FromSeconds(1200));
        _harness.Dispatcher.SessionCount.ShouldBe(0);
    }

    [Fact]
    public async Task An_expired_call_with_no_remove_is_forgotten_after_a_day_but_a_live_one_is_kept()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(relay, "expired-call", 1);
        await _harness.EstablishAsync(relay, "live-call", 2);
        await relay.WriteLineAsync("expired {\"call_id\":\"expired-call\",\"streams\":[]}");
        await relay.WriteLineAsync("ping");
        (await relay.ReadLineAsync()).ShouldBe("pong");

        // cleanup_expired_sessions_after: 86400 s.
        Advance(TimeSpan.FromSeconds(86400 - 600));
        _harness.Dispatcher.SessionCount.ShouldBe(2);
        Advance(TimeSpan.FromSeconds(1200));
        _harness.Dispatcher.SessionCount.ShouldBe(1);

        var remove = _harness.Dispatcher.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = "live-call", FromTag = "ft" }).AsTask();
        (await relay.ReadRequestAsync())[0].ShouldBe("remove 3", "the live call is still routed to its relay");
        await relay.WriteLineAsync("3 {\"call_id\":\"live-call\",\"streams\":[]}");
        (await remove.WaitAsync(WaitLimit)).Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
    }

    private void Advance(TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += SweepInterval)
        {
            _time.Advance(SweepInterval);
        }
    }
}
