using System.Globalization;
using System.Net;
using System.Text.Json;
using NatEdge.MediaRelay.Forwarding;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>Writes a session's statistics (spec §4.6) as JSON: what <c>remove</c>, <c>sessions</c> and the accounting log report.</summary>
internal static class SessionStatistics
{
    /// <summary>Static RTP payload types (RFC 3551 §6) by the names MediaProxy reports.</summary>
    private static readonly Dictionary<int, string> StaticPayloads = new()
    {
        [0] = "G711u", [1] = "1016", [2] = "G721", [3] = "GSM", [4] = "G723", [5] = "DVI4", [6] = "DVI4", [7] = "LPC",
        [8] = "G711a", [9] = "G722", [10] = "L16", [11] = "L16", [14] = "MPA", [15] = "G728", [18] = "G729",
        [25] = "CelB", [26] = "JPEG", [28] = "nv", [31] = "H261", [32] = "MPV", [33] = "MP2T", [34] = "H263",
    };

    public static void Write(Utf8JsonWriter json, MediaSession session, RelayContext relay, DateTimeOffset now,
        Action<Utf8JsonWriter>? extra = null)
    {
        json.WriteStartObject();
        json.WriteString("call_id", session.CallId);
        json.WriteString("from_tag", session.FromTag);
        json.WriteString("from_uri", session.FromUri);
        WriteNullable(json, "to_tag", session.ToTag);
        json.WriteString("to_uri", session.ToUri);
        if (session.StartTime is { } start) json.WriteNumber("start_time", start.ToUnixTimeMilliseconds() / 1000.0);
        else json.WriteNull("start_time");
        var duration = session.Duration(now);
        json.WriteNumber("duration", duration);
        json.WriteString("caller_ua", session.CallerUserAgent ?? "Unknown");
        json.WriteString("callee_ua", session.CalleeUserAgent ?? "Unknown");
        WriteNullable(json, "username", session.Username);
        json.WriteStartArray("streams");
        foreach (var stream in session.AllStreams.OrderBy(s => s.StartTime ?? DateTimeOffset.MaxValue))
            WriteStream(json, session, stream, relay, duration);
        json.WriteEndArray();
        extra?.Invoke(json);
        json.WriteEndObject();
    }

    private static void WriteStream(Utf8JsonWriter json, MediaSession session, MediaStream stream, RelayContext relay, int duration)
    {
        json.WriteStartObject();
        json.WriteString("media_type", stream.MediaType);
        json.WriteString("status", StreamStatuses.ToText(stream.Status));
        json.WriteNumber("timeout_wait", stream.TimeoutWait);
        json.WriteString("caller_codec", Codec(stream.Caller?.Rtp));
        json.WriteString("callee_codec", Codec(stream.Callee?.Rtp));
        if (stream.StartTime is not { } streamStart)
        {
            json.WriteNull("start_time");
            json.WriteNull("end_time");
        }
        else if (session.StartTime is not { } sessionStart)
        {
            json.WriteNumber("start_time", 0);
            json.WriteNumber("end_time", 0);
        }
        else
        {
            var relativeStart = Math.Max((int)(streamStart - sessionStart).TotalSeconds, 0);
            json.WriteNumber("start_time", relativeStart);
            var end = stream.Status == StreamStatus.Rejected ? relativeStart
                : stream.EndTime is { } e ? Math.Min((int)(e - sessionStart).TotalSeconds, duration)
                : duration;
            json.WriteNumber("end_time", end);
        }
        if (stream.FirstMediaTime is { } first) json.WriteNumber("post_dial_delay", Math.Round((first - stream.CreateTime).TotalSeconds, 3));
        else json.WriteNull("post_dial_delay");
        json.WriteNumber("caller_bytes", Sum(stream.Caller, e => e.Bytes));
        json.WriteNumber("callee_bytes", Sum(stream.Callee, e => e.Bytes));
        json.WriteNumber("caller_packets", Sum(stream.Caller, e => e.Packets));
        json.WriteNumber("callee_packets", Sum(stream.Callee, e => e.Packets));
        json.WriteString("caller_local", Local(stream.Caller, relay));
        json.WriteString("callee_local", Local(stream.Callee, relay));
        json.WriteString("caller_remote", Remote(stream.Caller?.Rtp));
        json.WriteString("callee_remote", Remote(stream.Callee?.Rtp));
        // NatEdge additions: packets refused from foreign sources (no RTP bleed) per facing side.
        json.WriteNumber("caller_dropped_packets", Sum(stream.Caller, e => e.Dropped));
        json.WriteNumber("callee_dropped_packets", Sum(stream.Callee, e => e.Dropped));
        json.WriteEndObject();
    }

    /// <summary>RTP and RTCP together, as MediaProxy counts them.</summary>
    private static long Sum(StreamSide? side, Func<RelayEndpoint, long> counter) =>
        side is null ? 0 : counter(side.Rtp) + counter(side.Rtcp);

    private static string Local(StreamSide? side, RelayContext relay) =>
        side is null ? "Unknown" : $"{relay.AdvertisedIp}:{side.Pair.Rtp.ToString(CultureInfo.InvariantCulture)}";

    private static string Remote(RelayEndpoint? endpoint) =>
        endpoint?.LearnedEndPoint is IPEndPoint learned ? $"{learned.Address}:{learned.Port.ToString(CultureInfo.InvariantCulture)}" : "Unknown";

    private static string Codec(RelayEndpoint? rtp)
    {
        var pt = rtp?.PayloadType ?? -1;
        return pt < 0 ? "Unknown" : CodecName(pt);
    }

    /// <summary>The codec name of an RTP payload type, as MediaProxy's statistics name it.</summary>
    public static string CodecName(int pt)
    {
        if (pt > 95) return $"Dynamic({pt.ToString(CultureInfo.InvariantCulture)})";
        return StaticPayloads.TryGetValue(pt, out var name) ? name : $"Unknown({pt.ToString(CultureInfo.InvariantCulture)})";
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
