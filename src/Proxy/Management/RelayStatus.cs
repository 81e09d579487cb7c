namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>relay status</c>: for each media relay the script uses, its socket, the client's connection
/// counts, and the relay's own <c>summary</c> (spec §3) asked for afresh, or why it did not answer.
/// </summary>
internal static class RelayStatus
{
    public static async Task<ControlAnswer> DescribeAsync(CancellationToken cancellationToken) =>
        ControlAnswer.Done(await RelayQuery.DescribeEachAsync(
            "summary",
            (client, answer) =>
            [
                $"relay {client.Options.SocketPath}: {(answer.Text is { } summary ? "up " + summary : answer.DownText)}",
                FormattableString.Invariant($"  connections opened={client.ConnectionsOpened} idle={client.IdleConnections}"),
            ],
            cancellationToken).ConfigureAwait(false));
}
