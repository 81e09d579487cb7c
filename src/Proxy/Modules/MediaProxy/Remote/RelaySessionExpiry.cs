using System.Text.Json;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// A relay's <c>expired</c> report of one session (mediaproxy-protocol.md sections 2 and 4.6): its call and
/// tags, whether it had started (<c>start_time</c> set) and whether every stream ended as an unselected ICE
/// candidate. Only a started session that is not all-ICE timed out in the dispatcher's sense
/// (<see cref="TimedOut"/>); MediaProxy ends the dialog of those alone.
/// </summary>
public sealed record RelaySessionExpiry(string Relay, string CallId, string? FromTag, string? ToTag, bool Started, bool AllStreamsIce)
{
    /// <summary>The stream status of an RTP timeout on a stream where both parties use ICE (spec §4.5).</summary>
    public const string UnselectedIceCandidate = "unselected ICE candidate";

    public bool TimedOut => Started && !AllStreamsIce;

    /// <summary>The report's fields; null when it names no call.</summary>
    public static RelaySessionExpiry? From(string relay, JsonElement statistics)
    {
        if (statistics.ValueKind != JsonValueKind.Object || Text(statistics, "call_id") is not { } callId)
        {
            return null;
        }

        var started = statistics.TryGetProperty("start_time", out var start) && start.ValueKind == JsonValueKind.Number;
        var streams = 0;
        var iceStreams = 0;
        if (statistics.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var stream in list.EnumerateArray())
            {
                streams++;
                if (stream.ValueKind == JsonValueKind.Object && Text(stream, "status") == UnselectedIceCandidate)
                {
                    iceStreams++;
                }
            }
        }

        return new RelaySessionExpiry(relay, callId, Text(statistics, "from_tag"), Text(statistics, "to_tag"), started, streams > 0 && iceStreams == streams);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
