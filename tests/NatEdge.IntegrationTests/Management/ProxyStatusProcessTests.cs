using System.Globalization;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.MediaProxy;
using NatEdge.IntegrationTests.Registrar;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Management;

/// <summary>
/// Issue 9, <c>ctl status</c> and <c>ctl relay sessions</c> (through the proxy, and with
/// <c>--relay</c> from the relay itself) against a running proxy and relay: a
/// phone registers, a call with media goes through the relay (a SIPp callee echoes the RTP), and
/// the screens show what that traffic must have left: the requests and replies counted, one
/// registration, the relay's one session with its two port pairs, and per party the packets sent.
/// </summary>
public sealed class ProxyStatusProcessTests : IDisposable
{
    private const int RelayLow = 25700;
    private const int RelayHigh = 25731;
    private const int CalleeMediaPort = 25760;
    private const int Packets = 50;

    /// <summary>What <see cref="MediaCallParty"/> sends per packet: a 12-byte RTP header and 160 bytes of payload.</summary>
    private const int PacketBytes = 172;

    private readonly TempDirectory _directory = new("natedge-status-");

    private string ControlSocket => Path.Combine(_directory.Path, "natedge.ctl");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Status_and_relay_sessions_show_the_registration_the_call_and_its_media()
    {
        await using var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}");
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{p}", "--control-socket", ControlSocket],
            port,
            d => d.File("media.cfg", WithRegistrar(MediaRelayScript.For(relay.SocketPath))));
        using var phone = new DigestPhone(proxy, "1000", "unused");
        (await phone.RegisterAsync()).ShouldStartWith("SIP/2.0 200 OK\r\n");
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = Sipp.StartEchoingCallee(calleePort, CalleeMediaPort, sippDirectory.Path);
        await Task.Delay(300);
        using var caller = new MediaCallParty(proxy.EndPoint);
        var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{calleePort}");
        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output + relay.Stderr);
        await caller.AckAsync();
        var relayed = MediaCallParty.AudioEndPoint(ok);
        (await caller.SendRtpAndCollectEchoesAsync(relayed, Packets)).Count.ShouldBe(Packets);

        var during = await StatusAsync();

        during[0].ShouldMatch(@"^natedge-proxy \S+, up \d+ s since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        during[1].ShouldBe($"listening: udp:127.0.0.1:{p}");
        during[2].ShouldMatch(@"^transactions active: \d+ server, \d+ client$");
        during[3].ShouldBe("registrations active: 1", "the phone's one contact");
        Counts(during[4], "requests received: ").ShouldBe(new Dictionary<string, long> { ["INVITE"] = 1, ["ACK"] = 1, ["REGISTER"] = 1 });
        Counts(during[5], "replies sent: ")["2xx"].ShouldBe(2, "the REGISTER's 200 and the INVITE's 200");
        during[6].ShouldStartWith($"relay {relay.SocketPath}: up, active, 1 session(s), streams audio 1, port pairs 2 of 16 in use, {2 * Packets} packets relayed, ");

        var sessions = await RelaySessionsAsync();

        sessions.Length.ShouldBe(3, string.Join('\n', sessions));
        sessions[0].ShouldBe($"relay {relay.SocketPath}: 1 session(s)");
        sessions[1].ShouldMatch($@"^  call {caller.CallId.Replace(".", @"\.", StringComparison.Ordinal)}: caller@127\.0\.0\.1 -> callee@127\.0\.0\.1, \d+ s$", "the module sends From and To URIs without sip: (spec section 1.2)");
        sessions[2].ShouldMatch(
            $@"^    audio active, codecs G711u/G711u: caller 127\.0\.0\.1:{caller.RtpPort} via 127\.0\.0\.1:{relayed.Port}, {Packets} packets, {Packets * PacketBytes} bytes; " +
            $@"callee 127\.0\.0\.1:{CalleeMediaPort} via 127\.0\.0\.1:257\d\d, {Packets} packets, {Packets * PacketBytes} bytes$");

        // DESIGN.md's ctl --relay SOCKET: the same relay asked directly, as on a relay host with no proxy.
        var direct = (await ProxyCtl.RunAsync("--relay", relay.SocketPath, "relay", "sessions")).Output.TrimEnd('\n').Split('\n');
        direct.Length.ShouldBe(3, string.Join('\n', direct));
        direct[0].ShouldBe(sessions[0]);
        direct[2].ShouldBe(sessions[2], "the counters do not move once the media has stopped");
        (await ProxyCtl.RunAsync("--relay", relay.SocketPath, "relay", "summary")).Output
            .ShouldStartWith($"relay {relay.SocketPath}: up, active, 1 session(s), streams audio 1, port pairs 2 of 16 in use, {2 * Packets} packets relayed, ");

        (await caller.ByeAsync()).ShouldBe(200);

        (await RelaySessionsAsync()).ShouldBe([$"relay {relay.SocketPath}: 0 session(s)"]);
        var after = await StatusAsync();
        Counts(after[4], "requests received: ")["BYE"].ShouldBe(1);
        after[6].ShouldStartWith($"relay {relay.SocketPath}: up, active, 0 session(s), streams 0, port pairs 0 of 16 in use, {2 * Packets} packets relayed, ");

        await relay.DisposeAsync();
        (await StatusAsync())[6].ShouldStartWith($"relay {relay.SocketPath}: down (");
        (await RelaySessionsAsync()).ShouldHaveSingleItem().ShouldStartWith($"relay {relay.SocketPath}: down (");
        var gone = await ProxyCtl.RunAsync("--relay", relay.SocketPath, "relay", "summary");
        gone.ExitCode.ShouldBe(1, "a relay asked directly that does not answer is an error");
        gone.Error.ShouldStartWith($"relay {relay.SocketPath}: down (");
    }

    [Fact]
    public async Task Status_of_a_proxy_without_a_relay_says_so()
    {
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageOne()
            .Replace("children=4", $"children=4\nfifo=\"{ControlSocket}\"", StringComparison.Ordinal));

        var status = await StatusAsync();

        status.Length.ShouldBe(7, string.Join('\n', status));
        status[1].ShouldBe($"listening: udp:127.0.0.1:{proxy.Port} tcp:127.0.0.1:{proxy.Port}");
        status[3].ShouldBe("registrations active: 0");
        status[4].ShouldBe("requests received: 0");
        status[6].ShouldStartWith("no media relay in use");
        (await ProxyCtl.RunAsync("--control-socket", ControlSocket, "relay", "sessions")).Output.ShouldStartWith("no media relay in use");
    }

    /// <summary>The media relay script with a registrar in front: REGISTER is answered by save() before any call handling.</summary>
    private static string WithRegistrar(string script)
    {
        const string Registrar = """
            route {
                if (method == "REGISTER") {
                    save("location");
                    break;
                };

            """;
        script.ShouldContain("loadmodule \"usrloc.so\"\n");
        script.ShouldContain("route {\n");
        return script
            .Replace("loadmodule \"usrloc.so\"\n", "loadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\n", StringComparison.Ordinal)
            .Replace("route {\n", Registrar, StringComparison.Ordinal);
    }

    private async Task<string[]> StatusAsync() => await CtlLinesAsync("status");

    private async Task<string[]> RelaySessionsAsync() => await CtlLinesAsync("relay", "sessions");

    private async Task<string[]> CtlLinesAsync(params string[] command)
    {
        var result = await ProxyCtl.RunAsync(["--control-socket", ControlSocket, .. command]);
        result.ExitCode.ShouldBe(0, result.Error);
        return result.Output.TrimEnd('\n').Split('\n');
    }

    /// <summary><c>3 (INVITE 1, ACK 1, REGISTER 1)</c> after <paramref name="prefix"/>, as a map; the total must be the sum.</summary>
    private static Dictionary<string, long> Counts(string line, string prefix)
    {
        line.ShouldStartWith(prefix);
        var text = line[prefix.Length..];
        var open = text.IndexOf(" (", StringComparison.Ordinal);
        open.ShouldBeGreaterThan(0, line);
        var counts = text[(open + 2)..^1]
            .Split(", ")
            .Select(pair => pair.Split(' '))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture));
        long.Parse(text[..open], CultureInfo.InvariantCulture).ShouldBe(counts.Values.Sum(), line);
        return counts;
    }
}
