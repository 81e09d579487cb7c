using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using NatEdge.MediaRelay.Forwarding;
using NatEdge.MediaRelay.Ports;
using NatEdge.MediaRelay.Sessions;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>
/// The status page's data (<c>/status.json</c>): a relay summary and every session with its live streams, the
/// relay's local ports and the learned (latched) addresses per side, codec, state and counters per direction.
/// </summary>
internal sealed class StatusDocument
{
    private readonly SessionTable _sessions;
    private readonly PortAllocator _ports;
    private readonly RelayContext _relay;
    private readonly string _version;

    public StatusDocument(SessionTable sessions, RelayContext relay, string version)
    {
        _sessions = sessions;
        _ports = relay.Ports;
        _relay = relay;
        _version = version;
    }

    public byte[] Render()
    {
        var halting = _sessions.IsHalting;
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            _sessions.Inspect((sessions, ended, now) =>
            {
                Write(json, sessions, ended, now, halting);
                return true;
            });
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void Write(Utf8JsonWriter json, IReadOnlyCollection<MediaSession> sessions, TrafficTotals ended, DateTimeOffset now, bool halting)
    {
        var totals = ended.Copy();
        foreach (var session in sessions)
        {
            foreach (var stream in session.AllStreams) totals.Add(stream);
        }
        json.WriteStartObject();
        json.WriteStartObject("relay");
        json.WriteString("version", _version);
        json.WriteString("ip", _relay.AdvertisedIp.ToString());
        json.WriteString("status", halting ? "halting" : "active");
        json.WriteString("time", now.ToString("O", CultureInfo.InvariantCulture));
        json.WriteNumber("sessions", sessions.Count);
        json.WriteNumber("port_pairs_in_use", _ports.InUse);
        json.WriteNumber("port_pairs_free", _ports.Free);
        json.WriteNumber("port_pairs_total", _ports.Capacity);
        json.WriteNumber("bits_per_second", _sessions.BitsPerSecond);
        json.WriteNumber("packets_relayed", totals.Packets);
        json.WriteNumber("bytes_relayed", totals.Bytes);
        json.WriteEndObject();
        json.WriteStartArray("sessions");
        foreach (var session in sessions) WriteSession(json, session, now);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteSession(Utf8JsonWriter json, MediaSession session, DateTimeOffset now)
    {
        json.WriteStartObject();
        json.WriteString("call_id", session.CallId);
        json.WriteString("from_uri", session.FromUri);
        json.WriteString("to_uri", session.ToUri);
        json.WriteString("from_tag", session.FromTag);
        if (session.ToTag is null) json.WriteNull("to_tag");
        else json.WriteString("to_tag", session.ToTag);
        json.WriteNumber("duration", (long)(now - (session.StartTime ?? session.CreatedAt)).TotalSeconds);
        json.WriteStartArray("streams");
        foreach (var stream in session.LiveStreams().OrderBy(s => s.CreateTimestamp))
        {
            json.WriteStartObject();
            json.WriteString("media_type", stream.MediaType);
            json.WriteString("state", StreamActivity.Of(stream));
            json.WriteString("codec", Codec(stream));
            WriteSide(json, "caller", stream.Caller);
            WriteSide(json, "callee", stream.Callee);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One party's side: the relay ports facing it, where it was latched, what it sent through the relay.</summary>
    private void WriteSide(Utf8JsonWriter json, string name, StreamSide? side)
    {
        json.WriteStartObject(name);
        if (side is not null)
        {
            json.WriteString("local", $"{_relay.AdvertisedIp}:{side.Pair.Rtp.ToString(CultureInfo.InvariantCulture)}");
            WriteEndPoint(json, "learned", side.Rtp.LearnedEndPoint);
            json.WriteNumber("packets", side.Rtp.Packets + side.Rtcp.Packets);
            json.WriteNumber("bytes", side.Rtp.Bytes + side.Rtcp.Bytes);
            json.WriteNumber("dropped", side.Rtp.Dropped + side.Rtcp.Dropped);
        }
        json.WriteEndObject();
    }

    private static void WriteEndPoint(Utf8JsonWriter json, string name, IPEndPoint? endPoint)
    {
        if (endPoint is null) json.WriteNull(name);
        else json.WriteString(name, endPoint.ToString());
    }

    private static string Codec(MediaStream stream)
    {
        var payloadType = stream.Caller?.Rtp.PayloadType is >= 0 and var caller ? caller : stream.Callee?.Rtp.PayloadType ?? -1;
        return payloadType < 0 ? "" : SessionStatistics.CodecName(payloadType);
    }
}
