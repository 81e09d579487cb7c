using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// <c>publish.sh DESTDIR</c> lays out an install as the README documents it: both processes under
/// /opt/natedge, their configuration under /etc/natedge, the units under /etc/systemd/system
/// starting exactly the published executables; and those executables run from there with their
/// unit's command line and stop with exit 0 on SIGTERM.
/// </summary>
public sealed class PublishedLayoutTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Publish_script_installs_both_processes_where_the_units_start_them_and_they_run()
    {
        using var destination = new TempDirectory("natedge-publish-");
        var script = Path.Combine(BuiltExecutables.RepositoryRoot, "publish.sh");

        // The solution is restored by the build that ran these tests; the test's namespace may have no network.
        await using (var publish = ChildProcess.Start("/bin/bash", [script, destination.Path, "--no-restore"], BuiltExecutables.RepositoryRoot))
        {
            (await publish.WaitForExitAsync(TimeSpan.FromMinutes(8))).ShouldBe(0, publish.Output);
        }

        var proxy = Installed(destination, "/opt/natedge/proxy/natedge-proxy");
        var relay = Installed(destination, "/opt/natedge/relay/natedge-relay");
        var proxyConfig = Installed(destination, "/etc/natedge/natedge.cfg");
        var relayConfig = Installed(destination, "/etc/natedge/relay.ini");
        foreach (var unit in new[] { "natedge-proxy.service", "natedge-relay.service" })
        {
            var installed = File.ReadAllText(Installed(destination, "/etc/systemd/system/" + unit));
            installed.ShouldBe(ServiceUnitTests.Unit(unit), "the unit is installed unchanged");
            var program = ServiceUnitTests.Settings(installed)["ExecStart"].Split(' ')[0];
            Installed(destination, program).ShouldBeOneOf(proxy, relay);
        }

        File.ReadAllText(proxyConfig).ShouldBe(File.ReadAllText(Path.Combine(BuiltExecutables.RepositoryRoot, "config", "natedge.cfg")));
        File.GetUnixFileMode(proxy).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();

        await ServiceUnitTests.ProxyRunsAsItsUnitSaysAsync(proxy, proxyConfig);
        await ServiceUnitTests.RelayRunsAsItsUnitSaysAsync(relay, relayConfig, "26940-26971");
    }

    /// <summary>The file the install puts at <paramref name="path"/>, which must exist.</summary>
    private static string Installed(TempDirectory destination, string path)
    {
        var file = Path.Combine(destination.Path, path.TrimStart('/'));
        File.Exists(file).ShouldBeTrue($"{path} is not installed");
        return file;
    }
}
