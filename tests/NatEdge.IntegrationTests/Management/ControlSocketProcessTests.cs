using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Calls;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Management;

/// <summary>
/// Issue 12 as processes: the stage 1 proxy (usrloc db_mode 0, so the registrations exist only in
/// the proxy's memory) with its <c>fifo=</c> naming a control socket, and <c>natedge-proxy ctl</c>
/// run as a separate process against it.
/// </summary>
public sealed class ControlSocketProcessTests : IDisposable
{
    private readonly TempDirectory _sockets = new("natedge-ctl-");

    private string SocketPath => Path.Combine(_sockets.Path, "natedge.ctl");

    public void Dispose() => _sockets.Dispose();

    [Fact]
    public async Task Registrations_made_by_sipp_are_shown_and_removed_through_the_socket_and_the_removed_user_gets_404()
    {
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne()));
        foreach (var user in new[] { "1000", "1001" })
        {
            var registered = await RegistrarProxy.RegisterAsync(proxy, "register_uac.xml", 1, user);
            registered.ExitCode.ShouldBe(0, registered.ToString());
        }

        // ctl finds the socket through the script's fifo=; the script names no database, so only the socket can answer.
        var config = Path.Combine(proxy.WorkingDirectory, "proxy.cfg");
        var all = await ProxyCtl.RunAsync("--config", config, "ul", "show");
        all.ExitCode.ShouldBe(0, all.Error);
        all.Output.ShouldContain("1000:\n  <sip:1000@127.0.0.1:");
        all.Output.ShouldContain("1001:\n  <sip:1001@127.0.0.1:");

        var removed = await ProxyCtl.RunAsync("--control-socket", SocketPath, "ul", "rm", "1000@127.0.0.1");
        removed.ShouldBe(new ProxyCtl.Result(0, "removed 1 registration(s) of 1000@127.0.0.1\n", ""));

        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await caller.SendAsync(Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, proxy, "1000")), proxy.EndPoint);
        var answer = (await RawSipClient.ReceiveUdpAsync(caller)).Text;
        RawSipClient.StatusCode(answer).ShouldBe(404, answer);

        var gone = await ProxyCtl.RunAsync("--control-socket", SocketPath, "ul", "show", "1000@127.0.0.1");
        gone.ShouldBe(new ProxyCtl.Result(1, "", "no registrations for 1000@127.0.0.1\n"));
        var kept = await ProxyCtl.RunAsync("--control-socket", SocketPath, "ul", "show", "1001@127.0.0.1");
        kept.ExitCode.ShouldBe(0, kept.Error);
        kept.Output.ShouldStartWith("1001:\n");
    }

    [Fact]
    public async Task Ul_show_prints_the_same_through_the_socket_as_from_the_database()
    {
        // db_mode 1 writes every registration through to the table, so both places hold the same bindings.
        var dbUrl = "sqlite:" + Path.Combine(_sockets.Path, "location.db");
        (await ProxyCtl.RunAsync("--db-url", dbUrl, "db", "init")).ExitCode.ShouldBe(0);
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne(dbUrl, dbMode: 1)));
        foreach (var user in new[] { "1000", "1001" })
        {
            (await RegistrarProxy.RegisterAsync(proxy, "register_uac.xml", 1, user)).ExitCode.ShouldBe(0);
        }

        var fromProxy = await ProxyCtl.RunAsync("--control-socket", SocketPath, "ul", "show");
        var fromTable = await ProxyCtl.RunAsync("--db-url", dbUrl, "ul", "show");

        fromProxy.ExitCode.ShouldBe(0, fromProxy.Error);
        fromProxy.Output.ShouldContain("1000:");
        fromProxy.Output.ShouldContain("1001:");
        fromTable.ShouldBe(fromProxy);
    }

    [Fact]
    public async Task A_contact_added_through_the_socket_is_what_the_registrar_answers_with()
    {
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne()));

        var added = await ProxyCtl.RunAsync("--control-socket", SocketPath, "ul", "add", "1002@127.0.0.1", "sip:1002@127.0.0.1:25999", "120");

        added.ExitCode.ShouldBe(0, added.Error);
        added.Output.ShouldStartWith("added contact <sip:1002@127.0.0.1:25999> for 1002@127.0.0.1, expires=");

        // RFC 3261 10.3 step 8: a REGISTER without Contact is answered with the current bindings.
        var bindings = await RegistrarProxy.QueryAsync(proxy, "1002");
        RawSipClient.StatusCode(bindings).ShouldBe(200, bindings);
        bindings.ShouldContain("<sip:1002@127.0.0.1:25999>");
    }

    [Fact]
    public async Task Stats_debug_uptime_and_version_answer_through_ctl()
    {
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne()));
        (await RegistrarProxy.RegisterAsync(proxy, "register_uac.xml", 1, "1000")).ExitCode.ShouldBe(0);

        var stats = await ProxyCtl.RunAsync("--control-socket", SocketPath, "stats");
        stats.ExitCode.ShouldBe(0, stats.Error);
        stats.Output.ShouldContain("natedge_proxy_requests_received_total{method=\"REGISTER\"} 1\n", customMessage: "the same samples as the metrics endpoint");
        stats.Output.ShouldContain("natedge_proxy_registrations_active 1\n");

        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "debug")).ShouldBe(new ProxyCtl.Result(0, "debug=3 (Information)\n", ""), "stage 1 sets debug=3");
        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "debug", "4")).ShouldBe(new ProxyCtl.Result(0, "debug=4 (Debug)\n", ""));
        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "debug")).Output.ShouldBe("debug=4 (Debug)\n");
        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "version")).Output.ShouldStartWith("natedge-proxy ");
        var noSocket = await ProxyCtl.RunAsync("--db-url", "sqlite:/nonexistent.db", "uptime");
        noSocket.ExitCode.ShouldBe(2, "uptime needs a running proxy");
    }

    [Fact]
    public async Task Malformed_commands_are_answered_400_and_the_proxy_keeps_serving()
    {
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne()));

        (await SendRawAsync("no such command\n")).ShouldStartWith("400 ");
        (await SendRawAsync("ul rm\n")).ShouldStartWith("400 ");
        (await SendRawAsync("debug loud\n")).ShouldStartWith("400 ");
        (await SendRawAsync(new string('x', 10_000) + "\n")).ShouldStartWith("400 ");
        (await SendRawAsync("\u0001\u00ff\n")).ShouldStartWith("400 ");

        var uptime = await ProxyCtl.RunAsync("--control-socket", SocketPath, "uptime");
        uptime.ExitCode.ShouldBe(0, uptime.Error);
        uptime.Output.ShouldMatch(@"^up \d+ s since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$");
        var options = await OptionsReasonAsync(proxy);
        options.ShouldNotBeNull("the proxy still answers SIP");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_socket_is_the_proxys_users_alone()
    {
        // The folder is open to everyone, so only the socket's own mode and the proxy's check stand in the way.
        File.SetUnixFileMode(_sockets.Path, (UnixFileMode)0b111_101_101);
        await using var proxy = await RegistrarProxy.StartAsync(WithFifo(RegistrarProxy.StageOne()));

        File.GetUnixFileMode(SocketPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, "owner-only by default");
        var refused = await ConnectAsNobodyAsync();
        refused.ShouldContain("PermissionError", customMessage: "another user cannot even connect");

        // With the file opened up, the proxy itself still turns other users away (SO_PEERCRED).
        File.SetUnixFileMode(SocketPath, (UnixFileMode)0b110_110_110);
        (await ConnectAsNobodyAsync()).ShouldStartWith("403 ");
        (await ProxyCtl.RunAsync("--control-socket", SocketPath, "version")).ExitCode.ShouldBe(0, "root, the proxy's user, still gets in");
    }

    /// <summary>The socket path goes into the script as the guide's fifo= line.</summary>
    private string WithFifo(string config) =>
        config.Replace("children=4", $"children=4\nfifo=\"{SocketPath}\"", StringComparison.Ordinal);

    private async Task<string> SendRawAsync(string text)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        await socket.SendAsync(Encoding.UTF8.GetBytes(text));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }

    /// <summary>Connects as user nobody and returns the first line received or the error Python raised.</summary>
    private async Task<string> ConnectAsNobodyAsync()
    {
        const string Probe =
            "import socket,sys\n" +
            "s=socket.socket(socket.AF_UNIX)\n" +
            "try:\n" +
            " s.connect(sys.argv[1]); s.sendall(b'version\\n'); print(s.makefile().readline().strip())\n" +
            "except OSError as e:\n" +
            " print(type(e).__name__)\n";
        await using var probe = ChildProcess.Start("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", Probe, SocketPath]);
        (await probe.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, probe.Output);
        return probe.Output.Trim();
    }

    internal static async Task<string?> OptionsReasonAsync(ProxyProcess proxy)
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var request = string.Create(
            CultureInfo.InvariantCulture,
            $"OPTIONS sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-opt-{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\n" +
            $"From: <sip:probe@127.0.0.1>;tag=probe\r\n" +
            $"To: <sip:127.0.0.1>\r\n" +
            $"Call-ID: opt-{Guid.NewGuid():N}@127.0.0.1\r\n" +
            $"CSeq: 1 OPTIONS\r\n" +
            $"Content-Length: 0\r\n\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);
        var reply = (await RawSipClient.ReceiveUdpAsync(client)).Text;
        var statusLine = reply[..reply.IndexOf('\r', StringComparison.Ordinal)];
        return statusLine.Length > 12 ? statusLine[12..] : null;
    }
}
