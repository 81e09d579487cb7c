namespace NatEdge.MediaRelay.Discovery;

/// <summary>
/// Which dispatchers of one configured entry to dial, given its targets grouped by SRV priority (best first) and
/// what each link has shown: every target of the best group; the next group too once every target of the groups
/// before it has been tried and none answered (RFC 2782). A group with a link up, or one still being tried, is
/// where the walk stops, so a better group that comes back takes over and the lower one is let go.
/// </summary>
internal static class DispatcherGroupPlan
{
    public static void Select(IReadOnlyList<IReadOnlyList<DispatcherTarget>> groups, Func<string, LinkReachability> reachability, ICollection<DispatcherTarget> selected)
    {
        foreach (var group in groups)
        {
            var anyConnected = false;
            var allUnreachable = true;
            foreach (var target in group)
            {
                selected.Add(target);
                var state = reachability(target.Key);
                anyConnected |= state == LinkReachability.Connected;
                allUnreachable &= state == LinkReachability.Unreachable;
            }

            if (anyConnected || !allUnreachable) return;
        }
    }
}
