using System.Globalization;
using System.Text;
using System.Text.Json;
using NatEdge.Proxy.Telemetry;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>status</c>: one screen on the running proxy (who it is, where it listens, transactions,
/// registrations, requests and replies since start) and one line per media relay from the relay's
/// own <c>summary</c> (spec §3: status, sessions, streams by media type, bit rate; NatEdge's relay
/// adds port pairs and packets), or why the relay did not answer.
/// </summary>
internal static class ProxyStatus
{
    public static async Task<ControlAnswer> DescribeAsync(string identity, IReadOnlyList<string> listeners, CancellationToken cancellationToken)
    {
        var figures = await ProxyMetrics.ReadAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<string>
        {
            identity,
            "listening: " + (listeners.Count == 0 ? "nothing" : string.Join(' ', listeners)),
            FormattableString.Invariant($"transactions active: {figures.ServerTransactions} server, {figures.ClientTransactions} client"),
            FormattableString.Invariant($"registrations active: {figures.Registrations}"),
            "requests received: " + Counts(figures.RequestsByMethod),
            "replies sent: " + Counts(figures.RepliesByClass),
        };

        lines.AddRange(await RelayQuery.DescribeEachAsync(
            "summary",
            (relay, answer) => [$"relay {relay.Options.SocketPath}: {(answer.Text is { } summary ? Summary(summary) : answer.DownText)}"],
            cancellationToken).ConfigureAwait(false));
        return ControlAnswer.Done(lines);
    }

    /// <summary><c>3 (INVITE 1, ACK 1, BYE 1)</c>, or <c>0</c>.</summary>
    private static string Counts(IReadOnlyList<LabelCount> counts)
    {
        if (counts.Count == 0)
        {
            return "0";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{counts.Sum(c => c.Count)} (");
        for (var i = 0; i < counts.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{counts[i].Label} {counts[i].Count}");
        }

        return text.Append(')').ToString();
    }

    /// <summary>A relay's summary in one line; fields a stock relay does not send are left out.</summary>
    private static string Summary(string json)
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
