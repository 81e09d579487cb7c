namespace NatEdge.MediaRelay.Discovery;

/// <summary>
/// The answer for one configured dispatcher entry: its targets grouped by SRV priority, best first (one group for a
/// host name or an address), or why the lookup failed. A failure is never applied: the last good answer stays.
/// </summary>
internal sealed record DispatcherResolution(IReadOnlyList<IReadOnlyList<DispatcherTarget>> Groups, string? Failure)
{
    public bool Succeeded => Failure is null;

    public static DispatcherResolution Of(IReadOnlyList<IReadOnlyList<DispatcherTarget>> groups) => new(groups, null);

    public static DispatcherResolution Failed(string why) => new([], why);

    public string Describe() => string.Join("; then ", Groups.Select(g => string.Join(", ", g)));
}
