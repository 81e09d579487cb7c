namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// The order in which relays are asked to take a new session. MediaProxy's dispatcher shuffles the active relays
/// (mediaproxy-protocol.md section 2); NatEdge weighs them: the relay with the fewest calls per unit of weight
/// first, so held calls settle in proportion to the weights, and among relays equally loaded a weighted random
/// order (each relay drawn with probability proportional to its weight, the Efraimidis-Spirakis key u^(1/w)), so
/// short calls that never overlap are spread in that proportion too. The one the <c>media_relay</c> preference
/// names (by address or certificate subject) goes first.
/// </summary>
internal static class RemoteRelaySelection
{
    public static List<T> Candidates<T>(IEnumerable<T> relays, string? preferred, Func<string, int> callsOn, Random random)
        where T : class, IRelayCandidate
    {
        var ranked = new List<(T Relay, int Calls, int Weight, double Draw)>();
        foreach (var relay in relays)
        {
            if (relay.State != RemoteRelayState.Active)
            {
                continue;
            }

            var weight = Math.Max(1, relay.Weight);
            // log(u)/w orders as u^(1/w) does; 1 - NextDouble() keeps u in (0, 1].
            ranked.Add((relay, callsOn(relay.Name), weight, Math.Log(1.0 - random.NextDouble()) / weight));
        }

        ranked.Sort(static (a, b) =>
        {
            // calls_a / weight_a against calls_b / weight_b, in integers.
            var byLoad = ((long)a.Calls * b.Weight).CompareTo((long)b.Calls * a.Weight);
            return byLoad != 0 ? byLoad : b.Draw.CompareTo(a.Draw);
        });

        var candidates = new List<T>(ranked.Count);
        foreach (var entry in ranked)
        {
            candidates.Add(entry.Relay);
        }

        if (preferred is { Length: > 0 })
        {
            var index = candidates.FindIndex(relay => relay.RemoteAddress == preferred || relay.Name == preferred);
            if (index > 0)
            {
                var first = candidates[index];
                candidates.RemoveAt(index);
                candidates.Insert(0, first);
            }
        }

        return candidates;
    }
}
