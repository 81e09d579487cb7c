namespace NatEdge.MediaRelay.Sessions;

/// <summary>Stream states of spec §4.5.</summary>
internal enum StreamStatus
{
    Active,
    OnHold,
    Closed,
    Rejected,
    NoTrafficTimeout,
    OnHoldTimeout,
    ConntrackTimeout,
    /// <summary>An RTP timeout on a stream where both parties offered ICE: they chose another candidate pair.</summary>
    UnselectedIceCandidate,
}

internal static class StreamStatuses
{
    /// <summary>The status words of the statistics JSON (spec §4.5).</summary>
    public static string ToText(StreamStatus status) => status switch
    {
        StreamStatus.Active => "active",
        StreamStatus.OnHold => "on hold",
        StreamStatus.Closed => "closed",
        StreamStatus.Rejected => "rejected",
        StreamStatus.NoTrafficTimeout => "no-traffic timeout",
        StreamStatus.OnHoldTimeout => "on hold timeout",
        StreamStatus.ConntrackTimeout => "conntrack timeout",
        StreamStatus.UnselectedIceCandidate => "unselected ICE candidate",
        _ => "closed",
    };
}
