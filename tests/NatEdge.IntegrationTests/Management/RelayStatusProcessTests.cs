using System.Globalization;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Management;

/// <summary>
/// Issue 12, <c>relay status</c>: the proxy asks each relay its script uses for a fresh
/// <c>summary</c> (spec §3) and says when one does not answer.
/// </summary>
public sealed class RelayStatusProcessTests
{
    [Fact]
    public async Task Relay_status_shows_the_relays_summary_and_then_that_it_is_down()
    {
        await using var relay = await RelayProcess.StartAsync("25500-25531");
        using var directory = new TempDirectory("natedge-relay-status-");
        var socket = Path.Combine(directory.Path, "natedge.ctl");
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var script = $$"""
            loadmodule "sl.so"
            loadmodule "usrloc.so"
            loadmodule "domain.so"
            loadmodule "mediaproxy.so"
            modparam("mediaproxy", "mediaproxy_socket", "{{relay.SocketPath}}")
            modparam("mediaproxy", "mediaproxy_timeout", 1000)
            route {
                if (method == "INVITE") {
                    use_media_proxy();
                };
                sl_send_reply("404", "Not Here");
            }
            """;
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{p}", "--control-socket", socket],
            port,
            d => d.File("media.cfg", script));

        var up = await ProxyCtl.RunAsync("--control-socket", socket, "relay", "status");

        up.ExitCode.ShouldBe(0, up.Error);
        up.Output.ShouldStartWith($"relay {relay.SocketPath}: up {{");
        up.Output.ShouldContain("\"status\":\"active\"", customMessage: "the relay's own summary (spec §3.4)");
        up.Output.ShouldContain("\"session_count\":0");

        await relay.DisposeAsync();
        var down = await ProxyCtl.RunAsync("--control-socket", socket, "relay", "status");

        down.ExitCode.ShouldBe(0, down.Error);
        down.Output.ShouldStartWith($"relay {relay.SocketPath}: down (");
    }
}
