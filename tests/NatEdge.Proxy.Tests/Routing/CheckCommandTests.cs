using System.Diagnostics;
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

    [Theory]
    [InlineData("01-hello-world.cfg")]
    [InlineData("02-auth-mysql.cfg")]
    [InlineData("03-nat-mediaproxy.cfg")]
    public void The_executable_accepts_every_fixture_of_the_guide(string fixture)
    {
        var (code, output) = RunExecutable("check", Path.Combine(RepositoryPaths.Fixtures, fixture));

        code.ShouldBe(0, output);
        output.ShouldContain("configuration OK");
    }

    [Fact]
    public void The_executable_prints_diagnostics_and_exits_2_for_a_function_not_implemented_yet()
    {
        var script = Path.Combine(Path.GetTempPath(), $"natedge-pending-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(script, "loadmodule \"uri.so\"\nroute {\n\tif (is_user(\"alice\")) { break; };\n}\n");
        try
        {
            var (code, output) = RunExecutable("check", script);

            code.ShouldBe(2);
            output.ShouldContain(":3:6: error: function 'is_user' (module uri) is not implemented yet");
            output.ShouldContain("1 error(s), 0 warning(s); the proxy would not start");
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory]
    [InlineData("modparam(\"mediaproxy\", \"dispatcher_certificate\", \"/etc/natedge/proxy.crt\")", "dispatcher_certificate needs dispatcher_private_key and dispatcher_ca")]
    [InlineData("modparam(\"mediaproxy\", \"dispatcher_listen\", \"0.0.0.0:25060\")", "dispatcher_listen is set but dispatcher_certificate is not")]
    [InlineData("modparam(\"mediaproxy\", \"dispatcher_ca\", \"/etc/natedge/ca.crt\")", "dispatcher_ca is set but dispatcher_certificate is not")]
    public void A_half_configured_relay_dispatcher_is_an_error_at_its_modparam(string modparam, string message)
    {
        var output = new StringWriter();

        var code = CheckScript($"loadmodule \"usrloc.so\"\nloadmodule \"domain.so\"\nloadmodule \"mediaproxy.so\"\n{modparam}\nroute {{\n\tbreak;\n}}\n", output);

        code.ShouldBe(2, output.ToString());
        output.ToString().ShouldContain($":4:24: error: mediaproxy: {message}");
        output.ToString().ShouldContain("1 error(s), 0 warning(s); the proxy would not start");
    }

    [Fact]
    public void A_whole_relay_dispatcher_configuration_passes()
    {
        var output = new StringWriter();

        var code = CheckScript(
            "loadmodule \"usrloc.so\"\nloadmodule \"domain.so\"\nloadmodule \"mediaproxy.so\"\n"
            + "modparam(\"mediaproxy\", \"dispatcher_certificate\", \"/etc/natedge/proxy.crt\")\n"
            + "modparam(\"mediaproxy\", \"dispatcher_private_key\", \"/etc/natedge/proxy.key\")\n"
            + "modparam(\"mediaproxy\", \"dispatcher_ca\", \"/etc/natedge/ca.crt\")\n"
            + "modparam(\"mediaproxy\", \"dispatcher_listen\", \"0.0.0.0:25060\")\n"
            + "route {\n\tbreak;\n}\n",
            output);

        code.ShouldBe(0, output.ToString());
    }

    private static int CheckScript(string text, TextWriter output)
    {
        var script = Path.Combine(Path.GetTempPath(), $"natedge-check-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(script, text);
        try
        {
            return CheckCommand.Run(new FileInfo(script), output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void The_executable_exits_0_for_the_default_config()
    {
        var (code, output) = RunExecutable("check", Path.Combine(RepositoryPaths.Root, "config", "natedge.cfg"));

        code.ShouldBe(0);
        output.ShouldContain("configuration OK");
    }

    /// <summary>Runs natedge-proxy.dll (copied next to the tests by the project reference) as its own process.</summary>
    private static (int Code, string Output) RunExecutable(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "natedge-proxy.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("natedge-proxy check did not finish within 60 s");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }

    [Fact]
    public void The_command_line_routes_check_to_the_command()
    {
        Program.Main(["check", Path.Combine(RepositoryPaths.Root, "config", "natedge.cfg")]).ShouldBe(0);
        Program.Main(["check", Path.Combine(RepositoryPaths.Root, "config", "no-such-script.cfg")]).ShouldBe(2);
    }
}
