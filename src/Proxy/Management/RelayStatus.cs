using NatEdge.Proxy.Modules.MediaProxy;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>relay status</c>: for each media relay the script uses, its socket, the client's connection
/// counts, and the relay's own <c>summary</c> (spec §3) asked for afresh, or why it did not answer.
/// </summary>
internal static class RelayStatus
{
    private static readonly ReadOnlyMemory<byte> Summary = "summary\r\n\r\n"u8.ToArray();

    public static async Task<ControlAnswer> DescribeAsync(CancellationToken cancellationToken)
    {
        var clients = MediaRelayClients.All;
        if (clients.Count == 0)
        {
            return ControlAnswer.Done("no media relay in use (the script calls no mediaproxy or rtpproxy function)");
        }

        var lines = new List<string>();
        foreach (var client in clients)
        {
            lines.Add($"relay {client.Options.SocketPath}: {await AskAsync(client, cancellationToken).ConfigureAwait(false)}");
            lines.Add(System.FormattableString.Invariant($"  connections opened={client.ConnectionsOpened} idle={client.IdleConnections}"));
        }

        return ControlAnswer.Done(lines);
    }

    private static async Task<string> AskAsync(MediaRelayClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Options.Timeout);
        try
        {
            using var connection = await RelayConnection.ConnectAsync(client.Options.SocketPath, timeout.Token).ConfigureAwait(false);
            return "up " + (await connection.ExchangeAsync(Summary, timeout.Token).ConfigureAwait(false)).Trim();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "down (no answer within the timeout)";
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or RelayProtocolException)
        {
            return $"down ({e.Message})";
        }
    }
}
