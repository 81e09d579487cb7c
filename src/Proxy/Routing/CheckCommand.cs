using System.CommandLine;

namespace NatEdge.Proxy.Routing;

/// <summary>
/// <c>natedge-proxy check FILE</c>: loads the script exactly as the run command
/// would, prints every diagnostic, and exits 0 only if the script would start
/// (2 otherwise), like <c>kamailio -c</c>.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the route script (ser.cfg dialect) to check" };
        var command = new Command("check", "Check a route script: print all diagnostics, exit 0 only if it would start") { file };
        command.SetAction(result => Run(result.GetValue(file)!, Console.Out));
        return command;
    }

    public static int Run(FileInfo file, TextWriter output)
    {
        if (!file.Exists)
        {
            output.WriteLine($"{file.FullName}: error: no such file");
            return Program.ExitBadUsage;
        }

        var result = ScriptLoader.LoadFile(file.ToString());
        output.Write(result.Diagnostics.Render());
        var errors = result.Diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = result.Diagnostics.Items.Count - errors;
        if (errors > 0)
        {
            output.WriteLine($"{file}: {errors} error(s), {warnings} warning(s); the proxy would not start");
            return Program.ExitBadUsage;
        }

        output.WriteLine($"{file}: configuration OK ({warnings} warning(s))");
        return Program.ExitOk;
    }
}
