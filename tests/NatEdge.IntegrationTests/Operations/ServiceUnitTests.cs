using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// The systemd units of config/systemd: accepted by <c>systemd-analyze verify</c> (which needs no
/// systemd running, only the ExecStart program to exist, so a copy points at the built executables),
/// written for a process that never forks, and with command lines the executables run: each starts
/// with its unit's arguments (only paths and ports made local) and exits 0 on SIGTERM, as systemd
/// stops it (KillSignal=SIGTERM).
/// </summary>
public sealed class ServiceUnitTests
{
    private const string ProxyInstalled = "/opt/natedge/proxy/natedge-proxy";
    private const string RelayInstalled = "/opt/natedge/relay/natedge-relay";

    [Fact]
    public async Task Systemd_analyze_verifies_both_units_without_a_warning()
    {
        using var directory = new TempDirectory("natedge-units-");
        var proxy = directory.File("natedge-proxy.service", Unit("natedge-proxy.service").Replace(ProxyInstalled, BuiltApphost("natedge-proxy"), StringComparison.Ordinal));
        var relay = directory.File("natedge-relay.service", Unit("natedge-relay.service").Replace(RelayInstalled, BuiltApphost("natedge-relay"), StringComparison.Ordinal));

        await using var verify = ChildProcess.Start(SystemdAnalyze, ["verify", proxy, relay], directory.Path);
        var exitCode = await verify.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.ShouldBe(0, verify.Output);
        verify.Output.Trim().ShouldBeEmpty("systemd-analyze prints a line for every unknown key or bad value");
    }

    [Theory]
    [InlineData("natedge-proxy.service")]
    [InlineData("natedge-relay.service")]
    public void The_units_run_a_process_that_never_forks_and_stops_on_sigterm(string name)
    {
        var settings = Settings(Unit(name));

        settings["Type"].ShouldBe("exec", "systemd supervises the process it started: NatEdge never detaches");
        settings["KillSignal"].ShouldBe("SIGTERM");
        settings["StandardError"].ShouldBe("journal");
        settings["RestartPreventExitStatus"].ShouldBe("2", "exit code 2 is a configuration error (DESIGN.md)");
        settings["ExecStart"].Split(' ')[1].ShouldBe("run");
    }

    [Fact]
    public Task The_proxy_runs_with_its_unit_s_command_line_and_exits_0_on_sigterm() =>
        ProxyRunsAsItsUnitSaysAsync(BuiltApphost("natedge-proxy"), Path.Combine(BuiltExecutables.RepositoryRoot, "config", "natedge.cfg"));

    [Fact]
    public Task The_relay_runs_with_its_unit_s_command_line_and_exits_0_on_sigterm() =>
        RelayRunsAsItsUnitSaysAsync(BuiltApphost("natedge-relay"), Path.Combine(BuiltExecutables.RepositoryRoot, "config", "relay.ini"), "26900-26931");

    /// <summary>
    /// Starts <paramref name="executable"/> with the proxy unit's arguments (the configuration at
    /// <paramref name="config"/>, local ports), waits until it listens, and expects exit 0 on SIGTERM.
    /// </summary>
    internal static async Task ProxyRunsAsItsUnitSaysAsync(string executable, string config)
    {
        var port = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        var metrics = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        var arguments = Arguments("natedge-proxy.service")
            .Select(a => a.Replace("/etc/natedge/natedge.cfg", config, StringComparison.Ordinal))
            .Select(a => a.Replace("127.0.0.1:9464", $"127.0.0.1:{metrics}", StringComparison.Ordinal))
            .Concat(["--listen", $"udp:127.0.0.1:{port}"]);
        using var directory = new TempDirectory();
        await using var proxy = ChildProcess.Start(executable, arguments, directory.Path);
        await proxy.WaitForOutputAsync(ProxyProcess.StartedLine, TimeSpan.FromSeconds(20));

        proxy.Signal("TERM");

        (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, proxy.Output);
    }

    /// <summary>
    /// Starts <paramref name="executable"/> with the relay unit's arguments (the settings at
    /// <paramref name="config"/>, a local socket and <paramref name="portRange"/>), waits for its control
    /// socket, and expects exit 0 on SIGTERM with the socket removed.
    /// </summary>
    internal static async Task RelayRunsAsItsUnitSaysAsync(string executable, string config, string portRange)
    {
        var metrics = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        using var directory = new TempDirectory();
        var socket = Path.Combine(directory.Path, "relay.sock");
        var arguments = Arguments("natedge-relay.service")
            .Select(a => a.Replace("/etc/natedge/relay.ini", config, StringComparison.Ordinal))
            .Select(a => a.Replace("127.0.0.1:9465", $"127.0.0.1:{metrics}", StringComparison.Ordinal))
            .Concat(["--control-socket", socket, "--port-range", portRange]);
        await using var relay = ChildProcess.Start(executable, arguments, directory.Path);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(socket) && !relay.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        File.Exists(socket).ShouldBeTrue($"the relay did not create its control socket:\n{relay.Output}");
        relay.Signal("TERM");

        (await relay.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, relay.Output);
        File.Exists(socket).ShouldBeFalse("a relay stopped by SIGTERM removes its control socket");
    }

    private static readonly string[] SystemdAnalyzeCandidates = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"];

    private static string SystemdAnalyze =>
        SystemdAnalyzeCandidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("systemd-analyze is not installed: run tests/scripts/install-deps.sh as root (Debian package `systemd`)");

    internal static string Unit(string name) => File.ReadAllText(Path.Combine(BuiltExecutables.RepositoryRoot, "config", "systemd", name));

    /// <summary>The framework-dependent launcher the build writes beside each dll (what <c>dotnet publish</c> installs).</summary>
    private static string BuiltApphost(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name);
        File.Exists(path).ShouldBeTrue($"{path} is missing: build tests/NatEdge.IntegrationTests");
        return path;
    }

    /// <summary>The unit's ExecStart after the program: its arguments (no quoting is used in these units).</summary>
    private static string[] Arguments(string unit) => Settings(Unit(unit))["ExecStart"].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];

    internal static Dictionary<string, string> Settings(string unit) =>
        unit.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && line[0] != '#' && line[0] != '[' && line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
}
