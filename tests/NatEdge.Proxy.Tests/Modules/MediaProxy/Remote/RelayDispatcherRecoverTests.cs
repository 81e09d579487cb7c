using Microsoft.Extensions.Time.Testing;
using NatEdge.Shared.Control;
using static NatEdge.Proxy.Tests.Modules.MediaProxy.Remote.DispatcherHarness;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>
/// A relay that stays timed out is dropped (mediaproxy-protocol.md section 3.2): timed out when a request goes
/// unanswered for <c>relay_timeout</c> (5 s) or no ping came for the ping timeout (30 s), dropped when no ping
/// ends that within <c>relay_recover_interval</c> (60 s). On a fake clock with the spec's values.
/// </summary>
public sealed class RelayDispatcherRecoverTests : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly DispatcherHarness _harness;

    public RelayDispatcherRecoverTests()
    {
        _harness = new DispatcherHarness(_time, options => options with
        {
            RelayTimeout = TimeSpan.FromSeconds(5),
            PingTimeout = TimeSpan.FromSeconds(30),
            RecoverInterval = TimeSpan.FromSeconds(60),
        });
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_relay_whose_pings_stop_is_dropped_sixty_seconds_after_it_timed_out_and_its_calls_are_forgotten()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(relay, "call-1", 1);

        // The last ping came at connection: timed out at 30 s, dropped once 60 s more have passed.
        Advance(TimeSpan.FromSeconds(30 + 59));
        _harness.Dispatcher.ConnectedRelays.ShouldContain("CN=relay-a");
        _harness.Dispatcher.SessionCount.ShouldBe(1);

        Advance(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(() => _harness.Dispatcher.ConnectedRelays.Count == 0);
        _harness.Dispatcher.SessionCount.ShouldBe(0);
        (await relay.ReadLineAsync()).ShouldBeNull("the dispatcher closed the link");

        var remove = await _harness.Dispatcher.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = "call-1", FromTag = "ft" }).AsTask().WaitAsync(WaitLimit);
        remove.Reply!.Kind.ShouldBe(ControlReplyKind.Error, "the call went with its relay");
    }

    [Fact]
    public async Task A_relay_that_leaves_a_request_unanswered_and_stops_pinging_is_dropped_sixty_seconds_after_the_timeout()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");

        var unanswered = _harness.Dispatcher.SendAsync(Update("call-1")).AsTask();
        (await relay.ReadRequestAsync())[0].ShouldBe("update 1");
        Advance(TimeSpan.FromSeconds(5));
        var refused = await unanswered.WaitAsync(WaitLimit);
        refused.IsMedia.ShouldBeFalse();
        refused.Detail.ShouldNotBeNull().ShouldContain("no answer within 5000 ms");

        // Timed out at 5 s by the request, well before its pings are overdue (30 s): dropped after 65 s.
        Advance(TimeSpan.FromSeconds(59));
        _harness.Dispatcher.ConnectedRelays.ShouldContain("CN=relay-a");
        Advance(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(() => _harness.Dispatcher.ConnectedRelays.Count == 0);
    }

    [Fact]
    public async Task A_relay_that_pings_every_ten_seconds_is_kept_however_long()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");

        for (var i = 0; i < 15; i++)
        {
            Advance(TimeSpan.FromSeconds(10));
            await relay.WriteLineAsync("ping");
            (await relay.ReadLineAsync()).ShouldBe("pong");
        }

        _harness.Dispatcher.ConnectedRelays.ShouldContain("CN=relay-a");
    }

    [Fact]
    public async Task A_ping_within_the_recover_interval_makes_a_timed_out_relay_active_again()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");

        Advance(TimeSpan.FromSeconds(30 + 50));
        await relay.WriteLineAsync("ping");
        (await relay.ReadLineAsync()).ShouldBe("pong");
        Advance(TimeSpan.FromSeconds(29));

        _harness.Dispatcher.ConnectedRelays.ShouldContain("CN=relay-a");
        await _harness.EstablishAsync(relay, "call-1", 1);
    }

    private void Advance(TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += Step)
        {
            _time.Advance(Step);
        }
    }
}
