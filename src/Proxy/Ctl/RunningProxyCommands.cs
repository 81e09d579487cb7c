using System.CommandLine;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// ctl commands only a running proxy can answer, through its control socket: <c>status</c>,
/// <c>uptime</c>, <c>version</c>, <c>stats</c>, <c>relay status</c>, <c>relay sessions</c>,
/// <c>reload</c>, <c>debug [LEVEL]</c>.
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

        var relay = new Command("relay", "the media relays the running proxy uses");
        relay.Subcommands.Add(Leaf("status", "each relay's socket, connections and summary", options, _ => "relay status"));
        relay.Subcommands.Add(Leaf("sessions", "each relay's live sessions: caller, callee, streams, packets and bytes", options, _ => "relay sessions"));
        yield return relay;
    }

    private static Command Leaf(string name, string description, CtlOptions options, Func<ParseResult, string> line, params Argument[] arguments)
    {
        var command = new Command(name, description);
        foreach (var argument in arguments)
        {
            command.Arguments.Add(argument);
        }

        command.SetAction(async (parse, token) =>
        {
            if (ControlLink.Find(parse, options) is not { } socket)
            {
                await Console.Error.WriteLineAsync($"no running proxy to ask: give --control-socket PATH, or a --config whose fifo= names a socket a proxy answers on").ConfigureAwait(false);
                return Program.ExitBadUsage;
            }

            return await ControlLink.RunAsync(socket, line(parse), token).ConfigureAwait(false);
        });
        return command;
    }
}
