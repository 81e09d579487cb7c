using System.CommandLine;
using NatEdge.Proxy.Ctl;

namespace NatEdge.Proxy;

/// <summary>
/// The natedge-proxy executable: only the command tree lives here; each
/// subcommand is built next to the code it drives.
/// Exit codes (DESIGN.md): 0 success, 1 runtime failure, 2 bad usage or configuration.
/// </summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitRuntimeFailure = 1;
    public const int ExitBadUsage = 2;

    public static int Main(string[] args)
    {
        var root = new RootCommand("NatEdge SIP proxy and registrar");
        // Subcommands are registered here, one line each.
        root.Subcommands.Add(NatEdge.Proxy.Hosting.RunCommand.Create());
        root.Subcommands.Add(NatEdge.Proxy.Routing.CheckCommand.Create());
        root.Subcommands.Add(CtlCommand.Create());

        // No response files: an argument such as a password may legitimately start with '@'.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            return ExitBadUsage;
        }

        return parsed.Invoke();
    }
}
