using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Proxy;

/// <summary>The `natedge-proxy run` contract: defaults, config, flags, signals and exit codes.</summary>
public class ProxyRunCommandTests
{
    private const string AnswerMyself = """
        loadmodule "sl.so"
        route {
            if (uri == myself) { sl_send_reply("200", "OK"); break; };
            sl_send_reply("404", "Not Found");
        }

        """;

    [Fact]
    public async Task With_no_arguments_it_listens_on_loopback_5060_udp_and_tcp_and_sigterm_exits_0()
    {
        PortIsFree(5060).ShouldBeTrue("port 5060 on 127.0.0.1 must be free for the default-listen test (run it through tests/run-all.sh)");
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(["run"], 5060);

        proxy.Process.Output.ShouldContain("udp:127.0.0.1:5060");
        proxy.Process.Output.ShouldContain("tcp:127.0.0.1:5060");
        var udpReply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options("sip:127.0.0.1", "UDP", "phone.natedge.invalid", rport: true));
        RawSipClient.StatusCode(udpReply).ShouldBe(200);
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(proxy.EndPoint);
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(RawSipClient.Options("sip:127.0.0.1", "TCP", "phone.natedge.invalid", rport: true)));
            RawSipClient.StatusCode((await RawSipClient.ReadMessageAsync(socket))!).ShouldBe(200);
        }

        (await proxy.StopAsync("TERM")).ShouldBe(0);
        proxy.Process.Output.ShouldContain("NatEdge proxy stopped");
    }

    [Fact]
    public async Task Ctrl_c_stops_it_with_exit_0()
    {
        await using var proxy = await ProxyProcess.StartAsync();

        (await proxy.StopAsync("INT")).ShouldBe(0);
    }

    [Fact]
    public async Task The_default_script_in_the_working_directory_decides_where_it_listens()
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(["run"], port, directory =>
        {
            Directory.CreateDirectory(Path.Combine(directory.Path, "config"));
            File.WriteAllText(Path.Combine(directory.Path, "config", "natedge.cfg"), $"fork=no\nlisten=udp:127.0.0.1\nlisten=tcp:127.0.0.1\nport={p}\nchildren=2\nalias=sip.natedge.invalid\n{AnswerMyself}");
        });

        proxy.Process.Output.ShouldContain("config/natedge.cfg");
        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:sip.natedge.invalid:{p}", "UDP", "phone.natedge.invalid", rport: true));
        RawSipClient.StatusCode(reply).ShouldBe(200, "an alias of the script is the proxy itself");
    }

    [Fact]
    public async Task A_script_given_with_config_is_read()
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(["run", "--config", "proxy.cfg"], port, directory =>
            directory.File("proxy.cfg", $"listen=127.0.0.1:{p} # both transports\n{AnswerMyself}"));

        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{p}", "UDP", "phone.natedge.invalid", rport: true));
        RawSipClient.StatusCode(reply).ShouldBe(200);
    }

    [Theory]
    [InlineData("--listen", "sctp:127.0.0.1:5060", "sctp")]
    [InlineData("--listen", "udp:localhost:5060", "localhost")]
    [InlineData("--config", "/nonexistent/natedge.cfg", "no such file")]
    [InlineData("--metrics", "127.0.0.1", "IP:PORT")]
    public async Task Bad_usage_exits_2_with_a_message_naming_the_problem(string flag, string value, string mentioned)
    {
        NetworkIsolation.Require();
        using var directory = new TempDirectory();
        await using var process = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["run", flag, value], directory.Path);

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(2);
        process.Output.ShouldContain(mentioned);
    }

    [Fact]
    public async Task An_address_already_in_use_exits_1_and_says_so()
    {
        NetworkIsolation.Require();
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        using var directory = new TempDirectory();
        await using var process = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["run", "--listen", $"udp:127.0.0.1:{port}"], directory.Path);

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(1);
        process.Output.ShouldContain("already in use");
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus()
    {
        var metricsPort = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartAsync(["--metrics", $"127.0.0.1:{metricsPort}"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true));

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));

        text.ShouldContain("process_");
        var datagrams = text.Split('\n').FirstOrDefault(l => l.StartsWith("natedge_proxy_udp_datagrams_received_total ", StringComparison.Ordinal));
        datagrams.ShouldNotBeNull($"no UDP datagram counter in:\n{text}");
        double.Parse(datagrams.Split(' ')[^1], CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
