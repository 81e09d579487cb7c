using System.CommandLine;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>natedge-proxy ctl</c>: the guide's serctl over the proxy's database and the running
/// proxy's control socket (DESIGN.md, Command-line contract). Exit codes: 0 done, 1 refused or database failure, 2 bad usage.
/// </summary>
public static class CtlCommand
{
    public static Command Create()
    {
        var options = new CtlOptions();
        var ctl = new Command("ctl", "administer users, aliases, domains and registrations, and the running proxy");
        ctl.Options.Add(options.DbUrl);
        ctl.Options.Add(options.Config);
        ctl.Options.Add(options.ControlSocket);
        ctl.Options.Add(options.Relay);
        ctl.Subcommands.Add(DbCommands.Create(options));
        ctl.Subcommands.Add(UserCommands.Create(options));
        ctl.Subcommands.Add(AliasCommands.Create(options));
        ctl.Subcommands.Add(DomainCommands.Create(options));
        ctl.Subcommands.Add(UsrlocCommands.Create(options));
        ctl.Subcommands.Add(CertCommands.Create());
        foreach (var command in RunningProxyCommands.Create(options))
        {
            ctl.Subcommands.Add(command);
        }

        return ctl;
    }

    /// <summary>
    /// A command the running proxy answers when its control socket is known (<see cref="ControlLink"/>),
    /// and the database otherwise.
    /// </summary>
    internal static Command SocketOrDatabaseLeaf(
        string name,
        string description,
        CtlOptions options,
        Func<ParseResult, string> controlLine,
        Func<CtlSession, ParseResult, CancellationToken, Task<int>> run,
        params Argument[] arguments)
    {
        var command = Leaf(name, description, options, run, arguments);
        command.SetAction((parse, token) => ControlLink.Find(parse, options) is { } socket
            ? ControlLink.RunAsync(socket, controlLine(parse), token)
            : CtlSession.RunAsync(parse, options, (session, ct) => run(session, parse, ct), token));
        return command;
    }

    internal static Command Leaf(
        string name,
        string description,
        CtlOptions options,
        Func<CtlSession, ParseResult, CancellationToken, Task<int>> run,
        params Argument[] arguments)
    {
        var command = new Command(name, description);
        foreach (var argument in arguments)
        {
            command.Arguments.Add(argument);
        }

        command.SetAction((parse, token) => CtlSession.RunAsync(parse, options, (session, ct) => run(session, parse, ct), token));
        return command;
    }
}
