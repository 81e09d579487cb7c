namespace NatEdge.Shared.Timing;

/// <summary>An expiry as collected by the wheel: the entry and the version it had when it fell due.</summary>
public readonly struct TimerExpiry
{
    internal TimerExpiry(TimerWheelEntry entry, long version, long deadlineTick)
    {
        Entry = entry;
        Version = version;
        DeadlineTick = deadlineTick;
    }

    public TimerWheelEntry Entry { get; }

    public int TimerId => Entry.TimerId;

    internal long Version { get; }

    internal long DeadlineTick { get; }

    /// <summary>False when the entry was cancelled or re-armed after this expiry was collected.</summary>
    public bool IsCurrent => Entry.Version == Version;
}
