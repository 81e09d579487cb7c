using NatEdge.MediaRelay.Forwarding;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// Packet and byte counts summed over streams, per direction: "from caller" counts what the caller-facing side
/// received (and sent on towards the callee). RTP and RTCP together, as the statistics count them.
/// </summary>
internal sealed class TrafficTotals
{
    public long FromCallerPackets { get; private set; }
    public long FromCallerBytes { get; private set; }
    public long FromCalleePackets { get; private set; }
    public long FromCalleeBytes { get; private set; }

    /// <summary>Packets refused because they came from a source other than the latched one.</summary>
    public long DroppedUnlatched { get; private set; }

    /// <summary>Packets with nowhere to go: the other party had neither latched nor a routable SDP address.</summary>
    public long DroppedNoRoute { get; private set; }

    /// <summary>Streams that ended because a timer fired (no traffic, on hold too long, inactivity).</summary>
    public long StreamsTimedOut { get; private set; }

    public long Packets => FromCallerPackets + FromCalleePackets;
    public long Bytes => FromCallerBytes + FromCalleeBytes;

    public TrafficTotals Copy()
    {
        var copy = new TrafficTotals();
        copy.Add(this);
        return copy;
    }

    public void Add(TrafficTotals other)
    {
        FromCallerPackets += other.FromCallerPackets;
        FromCallerBytes += other.FromCallerBytes;
        FromCalleePackets += other.FromCalleePackets;
        FromCalleeBytes += other.FromCalleeBytes;
        DroppedUnlatched += other.DroppedUnlatched;
        DroppedNoRoute += other.DroppedNoRoute;
        StreamsTimedOut += other.StreamsTimedOut;
    }

    public void Add(MediaStream stream)
    {
        if (stream.Caller is { } caller)
        {
            FromCallerPackets += Sum(caller, e => e.Packets);
            FromCallerBytes += Sum(caller, e => e.Bytes);
            AddDrops(caller);
        }
        if (stream.Callee is { } callee)
        {
            FromCalleePackets += Sum(callee, e => e.Packets);
            FromCalleeBytes += Sum(callee, e => e.Bytes);
            AddDrops(callee);
        }
        if (stream.Status is StreamStatus.NoTrafficTimeout or StreamStatus.OnHoldTimeout or StreamStatus.ConntrackTimeout) StreamsTimedOut++;
    }

    private void AddDrops(StreamSide side)
    {
        DroppedUnlatched += Sum(side, e => e.Dropped);
        DroppedNoRoute += Sum(side, e => e.Unroutable);
    }

    private static long Sum(StreamSide side, Func<RelayEndpoint, long> counter) => counter(side.Rtp) + counter(side.Rtcp);
}
