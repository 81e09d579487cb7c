namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// The order in which relays are asked to take a new session (mediaproxy-protocol.md section 2): the
/// active relays in random order, the one the <c>media_relay</c> preference names (by address or
/// certificate subject) first.
/// </summary>
internal static class RemoteRelaySelection
{
    public static List<RemoteRelayLink> Candidates(IEnumerable<RemoteRelayLink> relays, string? preferred)
    {
        var candidates = new List<RemoteRelayLink>();
        foreach (var relay in relays)
        {
            if (relay.State == RemoteRelayState.Active)
            {
                candidates.Add(relay);
            }
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates);
        Random.Shared.Shuffle(span);
        if (preferred is { Length: > 0 })
        {
            var index = candidates.FindIndex(relay => relay.RemoteAddress == preferred || relay.Name == preferred);
            if (index > 0)
            {
                (candidates[0], candidates[index]) = (candidates[index], candidates[0]);
            }
        }

        return candidates;
    }
}
