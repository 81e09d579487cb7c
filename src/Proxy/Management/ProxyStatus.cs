using System.Globalization;
using System.Text;
using NatEdge.Proxy.Telemetry;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>status</c>: one screen on the running proxy (who it is, where it listens, transactions,
/// registrations, requests and replies since start) and one line per media relay from the relay's
/// own <c>summary</c> (<see cref="RelaySummaryLine"/>), or why the relay did not answer.
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
            (relay, answer) => [$"relay {relay.Options.SocketPath}: {(answer.Text is { } summary ? RelaySummaryLine.Format(summary) : answer.DownText)}"],
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
}
