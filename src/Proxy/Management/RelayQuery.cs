using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Modules.MediaProxy;

namespace NatEdge.Proxy.Management;

/// <summary>
/// Asks a relay one of the management commands of its control socket, <c>summary</c> or
/// <c>sessions</c> (spec §9), on a connection of its own, so the calls' pooled connections are never
/// held by management. The answer is one JSON line; unlike a call's answer it has no 8192-byte
/// limit, since a busy relay's session list is longer.
/// </summary>
internal static class RelayQuery
{
    private const string NoRelayInUse = "no media relay in use (the script calls no mediaproxy or rtpproxy function)";

    /// <summary>The relays the loaded script uses, one per socket even when two timeouts name it.</summary>
    private static IReadOnlyList<MediaRelayClient> Relays() =>
        [.. MediaRelayClients.All.DistinctBy(c => c.Options.SocketPath, StringComparer.Ordinal).OrderBy(c => c.Options.SocketPath, StringComparer.Ordinal)];

    /// <summary>
    /// Asks every relay in use <paramref name="command"/> and returns the lines <paramref name="describe"/>
    /// makes of each answer, or the one line saying no relay is in use.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DescribeEachAsync(
        string command,
        Func<MediaRelayClient, RelayAnswer, IEnumerable<string>> describe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(describe);
        var clients = Relays();
        if (clients.Count == 0)
        {
            return [NoRelayInUse];
        }

        var lines = new List<string>();
        foreach (var client in clients)
        {
            lines.AddRange(describe(client, await AskAsync(client.Options.SocketPath, client.Options.Timeout, command, cancellationToken).ConfigureAwait(false)));
        }

        return lines;
    }

    /// <summary>The relay's answer to <paramref name="command"/> within <paramref name="timeout"/>, or why there is none.</summary>
    public static async Task<RelayAnswer> AskAsync(string socketPath, TimeSpan timeout, string command, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), deadline.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n\r\n"), deadline.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false);
            return line is null ? RelayAnswer.Down("the relay closed the connection without an answer") : RelayAnswer.Up(line.Trim());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RelayAnswer.Down("no answer within the timeout");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return RelayAnswer.Down(e.Message);
        }
    }
}

/// <summary>A relay's one-line answer, or the reason it gave none.</summary>
internal readonly record struct RelayAnswer(string? Text, string? DownReason)
{
    /// <summary>What ctl prints for a relay that gave no answer.</summary>
    public string DownText => $"down ({DownReason})";

    public static RelayAnswer Up(string text) => new(text, null);

    public static RelayAnswer Down(string reason) => new(null, reason);
}
