using NatEdge.Proxy.Management;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>ctl --relay SOCKET relay summary|sessions</c>: asks a relay on its own control socket, with
/// no proxy in between (a relay host runs none), and prints what the proxy's control socket
/// would print for it. A relay that does not answer is an error (exit 1).
/// </summary>
internal static class DirectRelayQuery
{
    /// <summary>Long enough for a busy relay's session list; a relay that takes longer is reported down.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        var answer = await RelayQuery.AskAsync(socketPath, Timeout, command, cancellationToken).ConfigureAwait(false);
        if (answer.Text is not { } text)
        {
            await Console.Error.WriteLineAsync($"relay {socketPath}: {answer.DownText}").ConfigureAwait(false);
            return Program.ExitRuntimeFailure;
        }

        IEnumerable<string> lines = command == "sessions"
            ? RelaySessionListing.Describe(socketPath, answer)
            : [$"relay {socketPath}: {RelaySummaryLine.Format(text)}"];
        foreach (var line in lines)
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        return Program.ExitOk;
    }
}
