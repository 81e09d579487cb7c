namespace NatEdge.MediaRelay.Discovery;

/// <summary>
/// Orders a domain's SRV records as RFC 2782 asks a client to use them: the lowest priority value first, a
/// higher value only when no target of the lower one can be reached. Within a group every target is dialled,
/// so weight orders them (heaviest first) only for the log. A target of "." means the service is not offered
/// there (RFC 2782) and is left out; the same target twice in a group counts once.
/// </summary>
internal static class SrvPriorityGroups
{
    public static List<List<SrvAnswer>> Group(IEnumerable<SrvAnswer> answers)
    {
        var groups = new SortedDictionary<ushort, List<SrvAnswer>>();
        foreach (var answer in answers)
        {
            var target = answer.Target.TrimEnd('.');
            if (target.Length == 0) continue;
            var normalised = answer with { Target = target.ToLowerInvariant() };
            if (!groups.TryGetValue(answer.Priority, out var group)) groups[answer.Priority] = group = [];
            var known = group.FindIndex(g => g.Target == normalised.Target);
            if (known < 0) group.Add(normalised);
            else if (group[known].Weight < normalised.Weight) group[known] = normalised;
        }

        var ordered = new List<List<SrvAnswer>>(groups.Count);
        foreach (var group in groups.Values)
        {
            group.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : string.CompareOrdinal(a.Target, b.Target));
            ordered.Add(group);
        }

        return ordered;
    }
}
