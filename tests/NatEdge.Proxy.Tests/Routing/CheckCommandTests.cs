using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>`natedge-proxy check FILE`: exit 0 only when the script would start, 2 otherwise (DESIGN.md command-line contract).</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void A_good_script_exits_0()
    {
        var output = new StringWriter();

        var code = CheckCommand.Run(new FileInfo(Path.Combine(RepositoryPaths.Root, "config", "natedge.cfg")), output);

        code.ShouldBe(0);
        output.ToString().ShouldEndWith("configuration OK (0 warning(s))\n");
    }

    [Fact]
    public void A_bad_script_prints_every_diagnostic_and_exits_2()
    {
        var path = Path.Combine(RepositoryPaths.ScriptCorpus, "bad", "b63-collect-all-binding.cfg");
        var output = new StringWriter();

        var code = CheckCommand.Run(new FileInfo(path), output);

        code.ShouldBe(2);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.Contains(": error: ", StringComparison.Ordinal)).ShouldBe(4);
        lines[^1].ShouldEndWith("4 error(s), 0 warning(s); the proxy would not start");
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var code = CheckCommand.Run(new FileInfo(Path.Combine(Path.GetTempPath(), "natedge-no-such-script.cfg")), new StringWriter());

        code.ShouldBe(2);
    }

    [Fact]
    public void The_command_line_routes_check_to_the_command()
    {
        Program.Main(["check", Path.Combine(RepositoryPaths.Root, "config", "natedge.cfg")]).ShouldBe(0);
        Program.Main(["check", Path.Combine(RepositoryPaths.Fixtures, "03-nat-mediaproxy.cfg")]).ShouldBe(2);
    }
}
