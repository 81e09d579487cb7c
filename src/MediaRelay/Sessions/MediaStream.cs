using NatEdge.MediaRelay.Forwarding;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// One m-line relayed for a session: a caller-facing and a callee-facing <see cref="StreamSide"/>, each with an RTP
/// and an RTCP socket (two port pairs, spec §4.3). Owned by its <see cref="MediaSession"/>; every method runs under
/// the session table's lock except the packet path inside the endpoints.
/// </summary>
internal sealed class MediaStream
{
    private readonly RelayContext _relay;
    private DateTimeOffset _lastActivity;
    private long _lastActivityPackets = -1;
    private DateTimeOffset? _holdDeadline;

    private MediaStream(RelayContext relay, string mediaType, StreamSide? caller, StreamSide? callee)
    {
        _relay = relay;
        MediaType = mediaType;
        Caller = caller;
        Callee = callee;
        CreateTime = relay.Time.GetUtcNow();
        CreateTimestamp = relay.Time.GetTimestamp();
    }

    public string MediaType { get; }
    public StreamSide? Caller { get; }
    public StreamSide? Callee { get; }
    public StreamStatus Status { get; private set; } = StreamStatus.Active;
    public bool IsAlive { get; private set; } = true;
    public DateTimeOffset CreateTime { get; }
    public long CreateTimestamp { get; }
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; private set; }
    public double TimeoutWait { get; private set; }

    /// <summary>The stream's pending check on the timer wheel.</summary>
    public Shared.Timing.TimerWheelEntry? Check { get; set; }

    public bool IsOnHold => (Caller?.OnHold ?? false) || (Callee?.OnHold ?? false);

    public StreamSide Side(StreamParty party) => party == StreamParty.Caller ? Caller! : Callee!;

    /// <summary>Opens both sides; false (nothing held) when the port range is exhausted.</summary>
    public static bool TryCreate(RelayContext relay, MediaStreamDescription offer, StreamParty offerer, out MediaStream? stream)
    {
        stream = null;
        if (!TryOpenSide(relay, out var caller)) return false;
        if (!TryOpenSide(relay, out var callee))
        {
            caller!.Close();
            relay.Ports.ReturnUnused(caller.Pair);
            return false;
        }
        caller!.Rtp.Peer = callee!.Rtp;
        callee.Rtp.Peer = caller.Rtp;
        caller.Rtcp.Peer = callee.Rtcp;
        callee.Rtcp.Peer = caller.Rtcp;
        stream = new MediaStream(relay, offer.MediaType, caller, callee);
        var side = stream.Side(offerer);
        side.SetRemoteSdp(offer.Address, offer.Port, relay.Routable);
        side.Rtp.RelatchOnSourceChange = side.Rtcp.RelatchOnSourceChange = offer.Asymmetric;
        side.UsesIce = offer.Ice == true;
        var now = relay.Time.GetUtcNow();
        foreach (var s in (ReadOnlySpan<StreamSide>)[caller, callee]) stream.ArmNoTraffic(s, now);
        stream.CheckHold(offerer, offer.Direction, offer.Address);
        foreach (var endpoint in (ReadOnlySpan<RelayEndpoint>)[caller.Rtp, caller.Rtcp, callee.Rtp, callee.Rtcp]) relay.StartLoop(endpoint);
        return true;
    }

    /// <summary>A stream offered with port 0: listed (so replies keep their positions) but never relayed.</summary>
    public static MediaStream Disabled(RelayContext relay, string mediaType)
    {
        var stream = new MediaStream(relay, mediaType, null, null);
        stream.Cleanup(StreamStatus.Rejected);
        return stream;
    }

    private static bool TryOpenSide(RelayContext relay, out StreamSide? side)
    {
        side = null;
        if (!RelaySocketFactory.TryOpen(relay.Ports, relay.BindIp, out var pair, out var rtp, out var rtcp)) return false;
        side = new StreamSide(pair, rtp, rtcp, relay.Time);
        return true;
    }

    /// <summary>Hold rule (spec §4.5): sendonly, inactive or 0.0.0.0 puts the party on hold; the stream is on hold if either party is.</summary>
    public void CheckHold(StreamParty party, MediaDirection direction, string address)
    {
        if (!IsAlive) return;
        var wasOnHold = IsOnHold;
        Side(party).OnHold = direction is MediaDirection.SendOnly or MediaDirection.Inactive || address == MediaStreamDescription.HoldAddress;
        var now = _relay.Time.GetUtcNow();
        if (!wasOnHold && IsOnHold)
        {
            Status = StreamStatus.OnHold;
            _holdDeadline = now + _relay.Options.OnHoldTimeout;
            Caller!.NoTrafficDeadline = Callee!.NoTrafficDeadline = null;
        }
        else if (wasOnHold && !IsOnHold)
        {
            Status = StreamStatus.Active;
            _holdDeadline = null;
            _lastActivityPackets = -1;
            foreach (var side in (ReadOnlySpan<StreamSide>)[Caller!, Callee!])
            {
                if (!side.Rtp.HasLearned) ArmNoTraffic(side, now);
            }
        }
    }

    /// <summary>Records the answering party's SDP address; a changed address resets the party (spec §4.2).</summary>
    public void ApplyAnswer(StreamParty party, MediaStreamDescription answer)
    {
        var side = Side(party);
        side.Rtp.RelatchOnSourceChange = side.Rtcp.RelatchOnSourceChange = answer.Asymmetric;
        side.UsesIce = answer.Ice == true;
        if (side.RemoteSdp is not { } remembered || remembered.Ip == MediaStreamDescription.HoldAddress)
        {
            side.SetRemoteSdp(answer.Address, answer.Port, _relay.Routable);
            return;
        }
        var changed = answer.IsHoldAddress ? remembered.Port != answer.Port : remembered != (answer.Address, answer.Port);
        if (!changed) return;
        side.Rtp.Reset();
        side.Rtcp.Reset();
        side.SetRemoteSdp(answer.Address, answer.Port, _relay.Routable);
        if (!IsOnHold) ArmNoTraffic(side, _relay.Time.GetUtcNow());
    }

    /// <summary>True when an offer line describes this stream's party as remembered (spec §4.2 matching).</summary>
    public bool Matches(StreamParty party, MediaStreamDescription offer)
    {
        if (!IsAlive || MediaType != offer.MediaType) return false;
        if (Side(party).RemoteSdp is not { } remembered) return false;
        return remembered == (offer.Address, offer.Port)
            || (offer.IsHoldAddress && remembered.Port == offer.Port)
            || (offer.Port == 0 && remembered.Ip == offer.Address);
    }

    private void ArmNoTraffic(StreamSide side, DateTimeOffset now)
    {
        side.NoTrafficDeadline = now + _relay.Options.StreamTimeout;
        side.PacketsAtArm = side.Rtp.Packets;
    }

    /// <summary>
    /// Runs the stream's timers at <paramref name="now"/>: returns the status the stream ends with, or null and
    /// the time of the next check. No timer work happens on the packet path: the check compares counters.
    /// </summary>
    public StreamStatus? Evaluate(DateTimeOffset now, out DateTimeOffset nextCheck)
    {
        nextCheck = DateTimeOffset.MaxValue;
        if (!IsAlive) return null;
        if (IsOnHold)
        {
            if (_holdDeadline is { } holdDeadline)
            {
                if (now >= holdDeadline)
                {
                    TimeoutWait = _relay.Options.OnHoldTimeout.TotalSeconds;
                    return StreamStatus.OnHoldTimeout;
                }
                nextCheck = holdDeadline;
            }
            return null;
        }

        foreach (var side in (ReadOnlySpan<StreamSide>)[Caller!, Callee!])
        {
            if (side.NoTrafficDeadline is not { } deadline) continue;
            if (side.Rtp.HasLearned && side.Rtp.Packets > side.PacketsAtArm)
            {
                side.NoTrafficDeadline = null;
                continue;
            }
            if (now >= deadline)
            {
                TimeoutWait = _relay.Options.StreamTimeout.TotalSeconds;
                // With ICE on both sides, silence here means the parties picked another candidate pair (spec §4.5).
                return Caller!.UsesIce && Callee!.UsesIce ? StreamStatus.UnselectedIceCandidate : StreamStatus.NoTrafficTimeout;
            }
            if (deadline < nextCheck) nextCheck = deadline;
        }

        if (Caller!.Rtp.HasLearned && Callee!.Rtp.HasLearned)
        {
            // Both parties send: the inactivity rule of a conntrack entry applies (spec §4.5).
            var packets = Caller.Rtp.Packets + Callee.Rtp.Packets;
            if (packets != _lastActivityPackets)
            {
                _lastActivityPackets = packets;
                _lastActivity = now;
            }
            var inactivity = _relay.Options.InactivityTimeout;
            if (now - _lastActivity >= inactivity)
            {
                TimeoutWait = inactivity.TotalSeconds;
                return StreamStatus.ConntrackTimeout;
            }
            var period = TimeSpan.FromTicks(Math.Min(inactivity.Ticks / 4, TimeSpan.FromSeconds(10).Ticks));
            var next = now + period;
            if (next < nextCheck) nextCheck = next;
        }
        return null;
    }

    /// <summary>Ends the stream: closes its sockets and gives its port pairs back (to quarantine).</summary>
    public void Cleanup(StreamStatus status = StreamStatus.Closed)
    {
        if (!IsAlive) return;
        IsAlive = false;
        Status = status;
        EndTime = _relay.Time.GetUtcNow();
        Check?.Cancel();
        Check = null;
        foreach (var side in (ReadOnlySpan<StreamSide?>)[Caller, Callee])
        {
            if (side is null) continue;
            side.Close();
            _relay.Ports.Release(side.Pair);
        }
    }

    public DateTimeOffset? FirstMediaTime
    {
        get
        {
            long first = 0;
            foreach (var side in (ReadOnlySpan<StreamSide?>)[Caller, Callee])
            {
                if (side is null) continue;
                foreach (var ts in (ReadOnlySpan<long>)[side.Rtp.FirstPacketTimestamp, side.Rtcp.FirstPacketTimestamp])
                {
                    if (ts != 0 && (first == 0 || ts < first)) first = ts;
                }
            }
            if (first == 0) return null;
            return CreateTime + _relay.Time.GetElapsedTime(CreateTimestamp, first);
        }
    }
}
