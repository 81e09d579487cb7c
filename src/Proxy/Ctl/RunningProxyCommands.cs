using System.CommandLine;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// ctl commands only a running proxy can answer, through its control socket: <c>status</c>,
/// <c>uptime</c>, <c>version</c>, <c>stats</c>, <c>relay status</c>, <c>relay sessions</c>,
/// <c>reload</c>, <c>debug [LEVEL]</c>; and <c>relay summary|sessions</c> of one relay asked directly
/// with <c>--relay SOCKET</c> (DESIGN.md, Command-line contract).
/// </summary>
internal static class RunningProxyCommands
{
    public static IEnumerable<Command> Create(CtlOptions options)
    {
        yield return Leaf("status", "one screen on the running proxy and each media relay it uses", options, _ => "status");
        yield return Leaf("uptime", "how long the proxy has been running", options, _ => "uptime");
        yield return Leaf("version", "the running proxy's version", options, _ => "version");
        yield return Leaf("stats", "the running proxy's counters (the samples of its metrics)", options, _ => "stats");
        yield return Leaf("reload", "check the route script again and swap it in, or print why not (SIGHUP does the same)", options, _ => "reload");

        var level = new Argument<int?>("LEVEL") { Description = "SER debug level, -3 to 9 (3 info, 4 debug); shows the current one when left out", Arity = ArgumentArity.ZeroOrOne };
        yield return Leaf("debug", "show or set the running proxy's log level", options, parse => parse.GetValue(level) is { } l ? FormattableString.Invariant($"debug {l}") : "debug", level);

        var relay = new Command("relay", "the media relays the running proxy uses, or with --relay SOCKET one relay asked directly");
        relay.Subcommands.Add(Leaf("status", "each relay's socket, connections and summary", options, _ => "relay status"));
        relay.Subcommands.Add(RelayLeaf("sessions", "each relay's live sessions: caller, callee, streams, packets and bytes", options, "sessions", "relay sessions"));
        relay.Subcommands.Add(RelayLeaf("summary", "each relay's summary: sessions, streams, ports, packets, bit rate", options, "summary", "relay status"));
        yield return relay;
    }

    /// <summary>A relay command: to the relay at --relay when given, else through the running proxy's control socket.</summary>
    private static Command RelayLeaf(string name, string description, CtlOptions options, string relayCommand, string proxyLine)
    {
        var command = new Command(name, description);
        command.SetAction((parse, token) => parse.GetValue(options.Relay) is { } socket
            ? DirectRelayQuery.RunAsync(socket, relayCommand, token)
            : ThroughProxyAsync(parse, options, proxyLine, token));
        return command;
    }

    private static Command Leaf(string name, string description, CtlOptions options, Func<ParseResult, string> line, params Argument[] arguments)
    {
        var command = new Command(name, description);
        foreach (var argument in arguments)
        {
            command.Arguments.Add(argument);
        }

        command.SetAction((parse, token) => ThroughProxyAsync(parse, options, line(parse), token));
        return command;
    }

    private static async Task<int> ThroughProxyAsync(ParseResult parse, CtlOptions options, string line, CancellationToken cancellationToken)
    {
        if (ControlLink.Find(parse, options) is not { } socket)
        {
            await Console.Error.WriteLineAsync($"no running proxy to ask: give --control-socket PATH, or a --config whose fifo= names a socket a proxy answers on").ConfigureAwait(false);
            return Program.ExitBadUsage;
        }

        return await ControlLink.RunAsync(socket, line, cancellationToken).ConfigureAwait(false);
    }
}
