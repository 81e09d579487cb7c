using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// One call as the relay sees it (spec §4.1-4.2): identified by Call-ID and the creator's From tag, with the
/// stream list of every offer keyed by the CSeq pair that made it. Owned by <see cref="SessionTable"/>; all
/// methods run under the table's lock.
/// </summary>
internal sealed class MediaSession
{
    private readonly RelayContext _relay;
    private readonly Dictionary<CSeqPair, List<MediaStream>> _streams = [];
    private readonly List<MediaStream> _allStreams = [];

    public MediaSession(RelayContext relay, ControlRequest creator)
    {
        _relay = relay;
        CallId = creator.CallId!;
        FromTag = creator.FromTag!;
        FromUri = creator.FromUri ?? "unknown";
        ToUri = creator.ToUri ?? "unknown";
        DialogId = creator.DialogId;
        Username = SignalingInfo.Username(creator.SignalingIp);
        CreatedAt = relay.Time.GetUtcNow();
    }

    public string CallId { get; }
    public string FromTag { get; }
    public string? ToTag { get; private set; }
    public string FromUri { get; }
    public string ToUri { get; }
    public string? DialogId { get; private set; }
    public string? Username { get; }
    public string? CallerUserAgent { get; private set; }
    public string? CalleeUserAgent { get; private set; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset? StartTime { get; private set; }
    public DateTimeOffset? EndTime { get; private set; }
    public CSeqPair? CSeq { get; private set; }
    public CSeqPair? PreviousCSeq { get; private set; }

    /// <summary>Every stream the session ever had, in creation order (statistics list them all).</summary>
    public IReadOnlyList<MediaStream> AllStreams => _allStreams;

    /// <summary>Streams of the current and the previous offer that still relay media.</summary>
    public IEnumerable<MediaStream> LiveStreams()
    {
        var live = new HashSet<MediaStream>();
        foreach (var key in (ReadOnlySpan<CSeqPair?>)[PreviousCSeq, CSeq])
        {
            if (key is not { } k) continue;
            foreach (var s in _streams[k]) if (s.IsAlive) live.Add(s);
        }
        return live;
    }

    public bool HasLiveStream => LiveStreams().Any();

    /// <summary>
    /// Applies the SDP of one <c>update</c> (spec §4.2). New streams open their ports before anything changes,
    /// so an exhausted range leaves the session as it was.
    /// </summary>
    public ControlProtocolError Update(ControlRequest request, bool isDownstream, bool isCallerCSeq, List<MediaStream> created)
    {
        var old = CSeq ?? new CSeqPair(0, 0);
        var cseq = request.CSeq!.Value;
        var pair = isCallerCSeq ? old with { Caller = cseq } : old with { Callee = cseq };
        if (isCallerCSeq && ToTag is null && request.ToTag is not null) ToTag = request.ToTag;
        DialogId ??= request.DialogId;
        // The party whose SDP this message carries.
        var party = isDownstream ? StreamParty.Caller : StreamParty.Callee;
        if (party == StreamParty.Caller) CallerUserAgent ??= request.UserAgent;
        else CalleeUserAgent ??= request.UserAgent;

        var now = _relay.Time.GetUtcNow();
        if (request.Media is not { } media)
        {
            if (request.Type == SdpMessageType.Reply && request.ToTag is not null) StartTime ??= now;
            return ControlProtocolError.None;
        }

        if (CSeq is null || pair > CSeq.Value) return Offer(pair, party, media, created);
        if (pair == CSeq.Value) return Answer(pair, party, media, now);
        return ControlProtocolError.None;   // an old CSeq changes nothing
    }

    private ControlProtocolError Offer(CSeqPair pair, StreamParty party, IReadOnlyList<MediaStreamDescription> media, List<MediaStream> created)
    {
        var previous = CSeq is { } current ? _streams[current] : [];
        var list = new List<MediaStream>(media.Count);
        var retained = new HashSet<MediaStream>();
        foreach (var offer in media)
        {
            var match = previous.FirstOrDefault(s => !retained.Contains(s) && s.Matches(party, offer));
            if (match is not null)
            {
                retained.Add(match);
                list.Add(match);
                continue;
            }
            if (offer.Port == 0)
            {
                list.Add(MediaStream.Disabled(_relay, offer.MediaType));
                continue;
            }
            if (!MediaStream.TryCreate(_relay, offer, party, out var stream))
            {
                foreach (var s in created) s.Cleanup();
                created.Clear();
                return ControlProtocolError.PortsExhausted;
            }
            created.Add(stream!);
            list.Add(stream!);
        }

        for (var i = 0; i < media.Count; i++)
        {
            if (retained.Contains(list[i])) list[i].CheckHold(party, media[i].Direction, media[i].Address);
        }
        foreach (var s in list) if (!_allStreams.Contains(s)) _allStreams.Add(s);
        if (PreviousCSeq is { } older)
        {
            foreach (var s in _streams[older])
            {
                if (!previous.Contains(s) && !list.Contains(s)) s.Cleanup();
            }
        }
        _streams[pair] = list;
        PreviousCSeq = CSeq;
        CSeq = pair;
        return ControlProtocolError.None;
    }

    private ControlProtocolError Answer(CSeqPair pair, StreamParty party, IReadOnlyList<MediaStreamDescription> media, DateTimeOffset now)
    {
        StartTime ??= now;
        var current = _streams[pair];
        for (var i = media.Count; i < current.Count; i++)
        {
            current[i].StartTime ??= now;
            current[i].Cleanup(StreamStatus.Rejected);
        }
        for (var i = 0; i < Math.Min(media.Count, current.Count); i++)
        {
            var stream = current[i];
            var answer = media[i];
            stream.StartTime ??= now;
            if (stream.MediaType != answer.MediaType) return ControlProtocolError.MediaTypeMismatch;
            if (!stream.IsAlive) continue;
            if (answer.Port == 0)
            {
                stream.Cleanup(StreamStatus.Rejected);
                continue;
            }
            stream.CheckHold(party, answer.Direction, answer.Address);
            stream.ApplyAnswer(party, answer);
        }
        if (PreviousCSeq is { } older)
        {
            foreach (var s in _streams[older]) if (!current.Contains(s)) s.Cleanup();
        }
        return ControlProtocolError.None;
    }

    /// <summary>
    /// The local ports for the reply (spec §4.2): from the newest stream list whose relevant CSeq element equals the
    /// message's; callee-facing ports downstream, caller-facing upstream; 0 for a stream neither active nor on hold.
    /// </summary>
    public bool TryGetReplyPorts(long cseq, bool isDownstream, bool isCallerCSeq, out int[] ports)
    {
        ports = [];
        CSeqPair? newest = null;
        foreach (var key in _streams.Keys)
        {
            var element = isCallerCSeq ? key.Caller : key.Callee;
            if (element == cseq && (newest is null || key > newest.Value)) newest = key;
        }
        if (newest is null) return false;
        var list = _streams[newest.Value];
        ports = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            var relayed = s.IsAlive && s.Status is StreamStatus.Active or StreamStatus.OnHold;
            ports[i] = relayed ? (isDownstream ? s.Callee!.Pair.Rtp : s.Caller!.Pair.Rtp) : 0;
        }
        return true;
    }

    /// <summary>Ends every stream (remove, expiry or shutdown).</summary>
    public void End()
    {
        EndTime ??= _relay.Time.GetUtcNow();
        foreach (var s in _allStreams) s.Cleanup();
    }

    public int Duration(DateTimeOffset now)
    {
        if (StartTime is not { } start) return 0;
        return (int)((EndTime ?? now) - start).TotalSeconds;
    }
}
