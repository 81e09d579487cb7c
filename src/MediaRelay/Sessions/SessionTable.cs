using System.Buffers;
using System.Text;
using System.Text.Json;
using NatEdge.MediaRelay.Accounting;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// The single owner of session lifetimes: (call id, from tag) → <see cref="MediaSession"/>.
/// Ownership and locking: one lock guards the table, the sessions, their streams' control state and the
/// timers' effects. Control connections and timer callbacks take it; the packet path never does (it only
/// touches the endpoints' counters and addresses).
/// </summary>
internal sealed class SessionTable : IDisposable
{
    /// <summary>MediaProxy's traffic sampling period for <c>bps_relayed</c> (spec §4.5).</summary>
    private static readonly TimeSpan TrafficSamplingPeriod = TimeSpan.FromSeconds(15);
    private const int RecentRepliesPerSession = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string CallId, string Tag), MediaSession> _sessions = [];
    private readonly Dictionary<MediaSession, List<(string Fingerprint, ControlReply Reply)>> _recentReplies = [];
    private readonly Dictionary<string, DateTimeOffset> _expired = [];
    private readonly RelayContext _relay;
    private readonly AccountingLog _accounting;
    private readonly DateTimeOffset _startedAt;
    private readonly TrafficTotals _ended = new();
    private long _lastSampleBytes, _bpsRelayed;
    private long _portExhaustions, _sessionsExpired, _sessionsRemoved;
    private bool _halting;

    public SessionTable(RelayContext relay, AccountingLog accounting)
    {
        _relay = relay;
        _accounting = accounting;
        _startedAt = relay.Time.GetUtcNow();
        _relay.Wheel.Schedule(TrafficSamplingPeriod, static s => ((SessionTable)s!).SampleTraffic(), this);
        _relay.Wheel.Schedule(ExpiredSweepPeriod, static s => ((SessionTable)s!).SweepExpired(), this);
    }

    /// <summary>The dispatcher's sweep period for expired sessions (spec §2).</summary>
    private static readonly TimeSpan ExpiredSweepPeriod = TimeSpan.FromSeconds(600);

    private void SweepExpired()
    {
        lock (_gate)
        {
            var now = _relay.Time.GetUtcNow();
            foreach (var (callId, at) in _expired.ToList())
            {
                if (now - at > _relay.Options.ExpiredSessionMemory) _expired.Remove(callId);
            }
        }
        try
        {
            _relay.Wheel.Schedule(ExpiredSweepPeriod, static s => ((SessionTable)s!).SweepExpired(), this);
        }
        catch (ObjectDisposedException)
        {
            // The relay is stopping.
        }
    }

    /// <summary>
    /// A session ended on its own (timeouts, spec §4.5), with its statistics (spec §4.6) for the dispatcher's
    /// <c>expired</c> report. Raised under the table's lock: handlers only queue.
    /// </summary>
    public event Action<string>? SessionExpired;

    public int Count
    {
        get { lock (_gate) return _sessions.Count; }
    }

    public long PortExhaustions => Interlocked.Read(ref _portExhaustions);

    /// <summary>Bits per second relayed over the last traffic sampling period (MediaProxy's <c>bps_relayed</c>).</summary>
    public long BitsPerSecond => Interlocked.Read(ref _bpsRelayed);

    /// <summary>Handles <c>update</c> (spec §4.1-4.2); the same request twice gets the same reply and allocates once.</summary>
    public ControlReply Update(ControlRequest request, out ControlProtocolError error)
    {
        error = request.CheckMandatoryHeaders();
        if (error != ControlProtocolError.None) return ControlReply.Error();
        lock (_gate)
        {
            var session = Find(request.CallId!, request.FromTag!, request.ToTag);
            bool isDownstream, isCallerCSeq;
            var isNew = session is null;
            if (session is null)
            {
                if (request.Media is null) { error = ControlProtocolError.NoMediaForNewSession; return ControlReply.Error(); }
                if (_halting) { error = ControlProtocolError.ShuttingDown; return ControlReply.Error(); }
                session = new MediaSession(_relay, request);
                isDownstream = request.Type == SdpMessageType.Request;
                isCallerCSeq = true;
            }
            else
            {
                isDownstream = (session.FromTag != request.FromTag) ^ (request.Type == SdpMessageType.Request);
                isCallerCSeq = session.FromTag == request.FromTag;
            }

            var fingerprint = Fingerprint(request);
            if (!isNew && _recentReplies.TryGetValue(session, out var recent))
            {
                foreach (var (f, cached) in recent) if (f == fingerprint) return cached;
            }

            var created = new List<MediaStream>();
            error = session.Update(request, isDownstream, isCallerCSeq, created);
            if (error == ControlProtocolError.PortsExhausted)
            {
                Interlocked.Increment(ref _portExhaustions);
                RelayLog.Error($"port range {_relay.Options.PortRangeLow}-{_relay.Options.PortRangeHigh} exhausted: " +
                               $"update for call {request.CallId} refused ({_relay.Ports.InUse} pairs in use, {_relay.Ports.Quarantined} in quarantine)");
            }
            if (error != ControlProtocolError.None) return ControlReply.Error();

            if (isNew)
            {
                _sessions[(session.CallId, session.FromTag)] = session;
                _recentReplies[session] = [];
            }
            foreach (var stream in session.AllStreams) RunCheck(session, stream);

            if (!session.TryGetReplyPorts(request.CSeq!.Value, isDownstream, isCallerCSeq, out var ports))
            {
                error = ControlProtocolError.UnknownSession;
                return ControlReply.Error();
            }
            var reply = ControlReply.Media(ReplyAddress(request), request.Media is null ? [] : ports);
            var replies = _recentReplies[session];
            if (replies.Count == RecentRepliesPerSession) replies.RemoveAt(0);
            replies.Add((fingerprint, reply));
            if (!session.HasLiveStream) ScheduleEmptySessionExpiry(session);
            return reply;
        }
    }

    /// <summary>Handles <c>remove</c> (spec §9): <c>removed</c> with the statistics recorded, or <c>error</c> for an unknown session.</summary>
    public ControlReply Remove(ControlRequest request, out ControlProtocolError error, out string? statistics)
    {
        statistics = null;
        error = request.CheckMandatoryHeaders();
        if (error != ControlProtocolError.None) return ControlReply.Error();
        lock (_gate)
        {
            var session = Find(request.CallId!, request.FromTag!, request.ToTag);
            if (session is null)
            {
                // A session that ended on its own is answered as the dispatcher answers it (spec §2).
                if (_expired.Remove(request.CallId!)) return ControlReply.Removed();
                error = ControlProtocolError.UnknownSession;
                return ControlReply.Error();
            }
            session.End();
            statistics = Account(session, timedOut: false);
            Forget(session);
            _sessionsRemoved++;
            return ControlReply.Removed();
        }
    }

    public string SummaryJson(string version)
    {
        lock (_gate)
        {
            var now = _relay.Time.GetUtcNow();
            var streamCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var traffic = _ended.Copy();
            foreach (var session in _sessions.Values)
            {
                foreach (var s in session.LiveStreams()) streamCounts[s.MediaType] = streamCounts.GetValueOrDefault(s.MediaType) + 1;
                foreach (var s in session.AllStreams) traffic.Add(s);
            }
            long packets = traffic.Packets, dropped = traffic.DroppedUnlatched;
            return Json(json =>
            {
                json.WriteStartObject();
                json.WriteString("ip", _relay.AdvertisedIp.ToString());
                json.WriteString("version", version);
                json.WriteString("status", _halting ? "halting" : "active");
                json.WriteNumber("uptime", (long)(now - _startedAt).TotalSeconds);
                json.WriteNumber("session_count", _sessions.Count);
                json.WriteStartObject("stream_count");
                foreach (var (type, count) in streamCounts) json.WriteNumber(type, count);
                json.WriteEndObject();
                json.WriteNumber("bps_relayed", Interlocked.Read(ref _bpsRelayed));
                // NatEdge additions.
                json.WriteNumber("weight", _relay.Options.Weight);
                json.WriteNumber("packets_relayed", packets);
                json.WriteNumber("packets_dropped", dropped);
                json.WriteNumber("port_pairs_total", _relay.Ports.Capacity);
                json.WriteNumber("port_pairs_in_use", _relay.Ports.InUse);
                json.WriteNumber("port_pairs_quarantined", _relay.Ports.Quarantined);
                json.WriteNumber("port_pairs_unusable", _relay.Ports.Unusable);
                json.WriteNumber("port_exhaustions", Interlocked.Read(ref _portExhaustions));
                json.WriteNumber("sessions_removed", _sessionsRemoved);
                json.WriteNumber("sessions_expired", _sessionsExpired);
                json.WriteEndObject();
            });
        }
    }

    /// <summary>
    /// Lets a reader (metrics, the status page) look at the live sessions and the totals of ended ones under the
    /// table lock; the reader must not keep the sessions nor change them.
    /// </summary>
    public TResult Inspect<TResult>(Func<IReadOnlyCollection<MediaSession>, TrafficTotals, DateTimeOffset, TResult> reader)
    {
        lock (_gate) return reader(_sessions.Values, _ended, _relay.Time.GetUtcNow());
    }

    /// <summary>Call-IDs of the sessions alive now (a dispatcher link checks which of its calls remain).</summary>
    public HashSet<string> LiveCallIds()
    {
        lock (_gate)
        {
            var callIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (callId, _) in _sessions.Keys) callIds.Add(callId);
            return callIds;
        }
    }

    public bool IsHalting
    {
        get { lock (_gate) return _halting; }
    }

    public string SessionsJson()
    {
        lock (_gate)
        {
            var now = _relay.Time.GetUtcNow();
            return Json(json =>
            {
                json.WriteStartArray();
                foreach (var session in _sessions.Values) SessionStatistics.Write(json, session, _relay, now);
                json.WriteEndArray();
            });
        }
    }

    /// <summary>
    /// The table is halting and its last session has ended (graceful drain, spec §3.2). Raised under the
    /// table's lock, and at once by <see cref="Halt"/> on an empty table: handlers only signal.
    /// </summary>
    public event Action? Drained;

    /// <summary>Stops taking new sessions (shutdown or drain in progress); existing ones carry on.</summary>
    public void Halt()
    {
        lock (_gate)
        {
            _halting = true;
            if (_sessions.Count == 0) Drained?.Invoke();
        }
    }

    /// <summary>Ends every session, recording their statistics (SIGTERM).</summary>
    public void EndAll()
    {
        lock (_gate)
        {
            _halting = true;
            foreach (var session in _sessions.Values.Distinct().ToList())
            {
                session.End();
                Account(session, timedOut: false);
                Forget(session);
            }
        }
    }

    private MediaSession? Find(string callId, string fromTag, string? toTag)
    {
        if (_sessions.TryGetValue((callId, fromTag), out var session)) return session;
        if (toTag is not null && _sessions.TryGetValue((callId, toTag), out session)) return session;
        return null;
    }

    private string ReplyAddress(ControlRequest request)
    {
        // As MediaProxy's relay does: an advertised address wins; otherwise a first stream on hold (0.0.0.0) keeps it.
        if (_relay.Options.AdvertisedIp is { } advertised) return advertised.ToString();
        if (request.Media is [{ IsHoldAddress: true }, ..]) return MediaStreamDescription.HoldAddress;
        return _relay.AdvertisedIp.ToString();
    }

    private static string Fingerprint(ControlRequest r) =>
        string.Join('\n', r.Type, r.FromTag, r.ToTag, r.CSeq, r.Media is null ? "-" : MediaHeaderCodec.Format(r.Media));

    private void RunCheck(MediaSession session, MediaStream stream)
    {
        if (!stream.IsAlive) return;
        stream.Check?.Cancel();
        stream.Check = null;
        var now = _relay.Time.GetUtcNow();
        var status = stream.Evaluate(now, out var next);
        if (status is { } ended)
        {
            RelayLog.Info($"call {session.CallId}: {stream.MediaType} stream ended ({StreamStatuses.ToText(ended)})");
            stream.Cleanup(ended);
            if (!session.HasLiveStream && IsCurrent(session)) ExpireSession(session);
            return;
        }
        if (next == DateTimeOffset.MaxValue) return;
        stream.Check = _relay.Wheel.Schedule(next - now, static state =>
        {
            var (table, s, st) = ((SessionTable, MediaSession, MediaStream))state!;
            lock (table._gate) table.RunCheck(s, st);
        }, (this, session, stream));
    }

    /// <summary>
    /// A session left without a live stream (every stream rejected or disabled) waits one stream_timeout for a
    /// re-INVITE or a remove, then expires, so a call whose BYE never comes does not stay forever.
    /// </summary>
    private void ScheduleEmptySessionExpiry(MediaSession session)
    {
        _relay.Wheel.Schedule(_relay.Options.StreamTimeout, static state =>
        {
            var (table, s) = ((SessionTable, MediaSession))state!;
            lock (table._gate)
            {
                if (!s.HasLiveStream && table.IsCurrent(s)) table.ExpireSession(s);
            }
        }, (this, session));
    }

    /// <summary>The session is still in the table (not removed, nor replaced by a newer one with the same key).</summary>
    private bool IsCurrent(MediaSession session) =>
        _sessions.TryGetValue((session.CallId, session.FromTag), out var current) && ReferenceEquals(current, session);

    private void ExpireSession(MediaSession session)
    {
        session.End();
        var statistics = Account(session, timedOut: true);
        Forget(session);
        SessionExpired?.Invoke(statistics);
        _sessionsExpired++;
        var now = _relay.Time.GetUtcNow();
        _expired[session.CallId] = now;
        RelayLog.Info($"call {session.CallId}: session expired, no stream left");
    }

    private void Forget(MediaSession session)
    {
        _sessions.Remove((session.CallId, session.FromTag));
        _recentReplies.Remove(session);
        foreach (var s in session.AllStreams) _ended.Add(s);
        if (_halting && _sessions.Count == 0) Drained?.Invoke();
    }

    private string Account(MediaSession session, bool timedOut)
    {
        var now = _relay.Time.GetUtcNow();
        var statistics = Json(json => SessionStatistics.Write(json, session, _relay, now));
        var line = Json(json => SessionStatistics.Write(json, session, _relay, now, extra =>
        {
            // What the dispatcher adds before accounting (spec §2).
            if (session.DialogId is null) extra.WriteNull("dialog_id");
            else extra.WriteString("dialog_id", session.DialogId);
            // A session whose every stream ended as an unselected ICE candidate ended normally (spec §2).
            var allStreamsIce = session.AllStreams.Count > 0 && session.AllStreams.All(s => s.Status == StreamStatus.UnselectedIceCandidate);
            extra.WriteBoolean("timed_out", timedOut && !allStreamsIce);
            extra.WriteBoolean("all_streams_ice", allStreamsIce);
        }));
        _accounting.Write(line);
        return statistics;
    }

    private void SampleTraffic()
    {
        lock (_gate)
        {
            var traffic = _ended.Copy();
            foreach (var session in _sessions.Values)
            {
                foreach (var s in session.AllStreams) traffic.Add(s);
            }
            var total = traffic.Bytes;
            Interlocked.Exchange(ref _bpsRelayed, (long)((total - _lastSampleBytes) * 8 / TrafficSamplingPeriod.TotalSeconds));
            _lastSampleBytes = total;
        }
        try
        {
            _relay.Wheel.Schedule(TrafficSamplingPeriod, static s => ((SessionTable)s!).SampleTraffic(), this);
        }
        catch (ObjectDisposedException)
        {
            // The relay is stopping.
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose() => EndAll();
}
