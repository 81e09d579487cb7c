using NatEdge.Proxy.Modules.MediaProxy.Remote;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>The order in which connected relays are offered a new session: by calls per unit of weight, then weighted at random.</summary>
public sealed class RemoteRelaySelectionTests
{
    private sealed record Relay(string Name, int Weight, RemoteRelayState State = RemoteRelayState.Active, string RemoteAddress = "10.0.0.1") : IRelayCandidate;

    private static readonly Relay Big = new("CN=big", 3, RemoteAddress: "10.0.0.3");
    private static readonly Relay Small = new("CN=small", 1, RemoteAddress: "10.0.0.1");

    [Fact]
    public void Equally_loaded_relays_are_drawn_first_in_proportion_to_their_weights()
    {
        var random = new Random(11);
        const int Draws = 20_000;
        var bigFirst = 0;
        for (var i = 0; i < Draws; i++)
        {
            if (RemoteRelaySelection.Candidates([Big, Small], null, _ => 0, random)[0] == Big) bigFirst++;
        }

        // Weights 3 and 1: the heavier relay is first with probability 3/4 (standard deviation 0.003 over 20,000 draws).
        ((double)bigFirst / Draws).ShouldBeInRange(0.735, 0.765);
    }

    [Fact]
    public void The_relay_with_fewer_calls_per_unit_of_weight_comes_first_whatever_the_draw()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            // 2 calls on weight 3 (0.67 per unit) against 1 call on weight 1 (1 per unit).
            RemoteRelaySelection.Candidates([Small, Big], null, name => name == Big.Name ? 2 : 1, random).ShouldBe([Big, Small]);
            // 3 calls on weight 3 (1 per unit) against none on weight 1.
            RemoteRelaySelection.Candidates([Big, Small], null, name => name == Big.Name ? 3 : 0, random).ShouldBe([Small, Big]);
        }
    }

    [Fact]
    public void Held_calls_settle_in_the_ratio_of_the_weights()
    {
        var calls = new Dictionary<string, int> { [Big.Name] = 0, [Small.Name] = 0 };
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var chosen = RemoteRelaySelection.Candidates([Big, Small], null, name => calls[name], random)[0];
            calls[chosen.Name]++;
        }

        calls[Big.Name].ShouldBe(150);
        calls[Small.Name].ShouldBe(50);
    }

    [Fact]
    public void Only_active_relays_are_offered_and_the_preferred_one_goes_first()
    {
        var halting = new Relay("CN=halting", 10, RemoteRelayState.Halting);
        var timedOut = new Relay("CN=late", 10, RemoteRelayState.TimedOut);
        var random = new Random(1);

        RemoteRelaySelection.Candidates([halting, timedOut, Small], null, _ => 0, random).ShouldBe([Small]);
        for (var i = 0; i < 50; i++)
        {
            RemoteRelaySelection.Candidates([Big, Small], "10.0.0.1", _ => 0, random)[0].ShouldBe(Small, "media_relay names the relay's address");
            RemoteRelaySelection.Candidates([Big, Small], "CN=small", name => name == Small.Name ? 9 : 0, random)[0].ShouldBe(Small, "or its certificate subject");
        }
    }
}
