using System.Text.Json;

namespace NatEdge.Proxy.Management;

/// <summary>
/// A relay's <c>summary</c> (spec §3: status, sessions, streams by media type, bit rate; NatEdge's
/// relay adds port pairs and packets) as the one line <c>ctl status</c> and <c>ctl relay summary</c> print.
/// </summary>
internal static class RelaySummaryLine
{
    /// <summary>A relay's summary in one line; fields a stock relay does not send are left out.</summary>
    public static string Format(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return $"up, but its summary is not JSON: '{json}'";
        }

        using (document)
        {
            var summary = document.RootElement;
            if (summary.ValueKind != JsonValueKind.Object)
            {
                return $"up, but its summary is not a JSON object: '{json}'";
            }

            var parts = new List<string> { "up", RelayJson.Text(summary, "status") ?? "status unknown" };
            parts.Add(RelayJson.Number(summary, "session_count") is { } sessions ? FormattableString.Invariant($"{sessions} session(s)") : "sessions unknown");
            if (summary.TryGetProperty("stream_count", out var streams) && streams.ValueKind == JsonValueKind.Object)
            {
                var byType = streams.EnumerateObject().Select(s => FormattableString.Invariant($"{s.Name} {s.Value}")).ToList();
                parts.Add("streams " + (byType.Count == 0 ? "0" : string.Join(' ', byType)));
            }

            if (RelayJson.Number(summary, "port_pairs_in_use") is { } inUse && RelayJson.Number(summary, "port_pairs_total") is { } total)
            {
                parts.Add(FormattableString.Invariant($"port pairs {inUse} of {total} in use"));
            }

            if (RelayJson.Number(summary, "packets_relayed") is { } packets)
            {
                parts.Add(FormattableString.Invariant($"{packets} packets relayed"));
            }

            if (RelayJson.Number(summary, "bps_relayed") is { } bps)
            {
                parts.Add(FormattableString.Invariant($"{bps} bit/s"));
            }

            if (RelayJson.Number(summary, "uptime") is { } uptime)
            {
                parts.Add(FormattableString.Invariant($"up {uptime} s"));
            }

            if (RelayJson.Text(summary, "version") is { } version)
            {
                parts.Add("version " + version);
            }

            if (RelayJson.Text(summary, "ip") is { } ip)
            {
                parts.Add("ip " + ip);
            }

            return string.Join(", ", parts);
        }
    }
}
