using NatEdge.Shared.Control;
using static NatEdge.Proxy.Tests.Modules.MediaProxy.Remote.DispatcherHarness;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>Relay weights reported in <c>summary</c> and the calls the dispatcher counts per relay.</summary>
public sealed class RelayDispatcherWeightTests : IAsyncDisposable
{
    private readonly DispatcherHarness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_relay_takes_the_weight_of_its_summary_and_one_without_a_weight_counts_as_one()
    {
        await _harness.ConnectRelayAsync("big", weight: 3);
        await _harness.ConnectRelayAsync("stock", weight: null);

        _harness.Dispatcher.WeightOf("CN=big").ShouldBe(3);
        _harness.Dispatcher.WeightOf("CN=stock").ShouldBe(1, "MediaProxy's relays report no weight");
        _harness.Dispatcher.WeightOf("CN=absent").ShouldBeNull();
    }

    [Fact]
    public async Task Calls_are_counted_on_their_relay_until_removed_or_expired()
    {
        var relay = await _harness.ConnectRelayAsync("relay1");
        await _harness.EstablishAsync(relay, "call-1", 1);
        await _harness.EstablishAsync(relay, "call-2", 2);
        _harness.Dispatcher.CallsOn("CN=relay1").ShouldBe(2);

        var removing = _harness.Dispatcher.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = "call-1", FromTag = "ft" }).AsTask();
        (await relay.ReadRequestAsync())[0].ShouldBe("remove 3");
        await relay.WriteLineAsync("3 {\"call_id\":\"call-1\",\"streams\":[]}");
        (await removing.WaitAsync(WaitLimit)).IsAnswered.ShouldBeTrue();
        _harness.Dispatcher.CallsOn("CN=relay1").ShouldBe(1);

        await relay.WriteLineAsync("expired {\"call_id\":\"call-2\",\"streams\":[]}");
        await WaitUntilAsync(() => _harness.Dispatcher.CallsOn("CN=relay1") == 0);
        _harness.Dispatcher.SessionCount.ShouldBe(1, "an expired call is kept so that its remove is answered here");
    }
}
