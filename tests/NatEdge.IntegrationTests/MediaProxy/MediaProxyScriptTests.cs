using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using NatEdge.IntegrationTests.Relay;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// The script functions as a route script calls them (route-script.md section 5): mediaproxy's
/// use_media_proxy()/end_media_session() and nathelper's force_rtp_proxy()/unforce_rtp_proxy()
/// against the real relay, and false (quickly) when the relay is missing or silent.
/// </summary>
public sealed class MediaProxyScriptTests
{
    private const string MediaProxyRoutes = """
        route {
            if (method == "INVITE") {
                if (use_media_proxy()) {
                    log(1, "relayed\n");
                } else {
                    log(1, "not relayed\n");
                };
            };
            if (method == "BYE") {
                if (end_media_session()) {
                    log(1, "removed\n");
                };
            };
        }
        onreply_route[1] {
            if (!use_media_proxy()) {
                drop;
            };
        }
        """;

    private const string RtpProxyRoutes = """
        route {
            if (method == "INVITE") {
                if (force_rtp_proxy()) {
                    log(1, "relayed\n");
                };
            };
            if (method == "BYE") {
                if (unforce_rtp_proxy()) {
                    log(1, "removed\n");
                };
            };
        }
        onreply_route[1] {
            if (!force_rtp_proxy("l")) {
                drop;
            };
        }
        """;

    [Fact]
    public async Task Use_media_proxy_rewrites_invite_and_answer_and_end_media_session_removes()
    {
        await using var relay = await RelayProcess.StartAsync("25320-25351");
        var script = new Script(MediaProxyScript(relay.SocketPath, timeoutMs: 5000) + MediaProxyRoutes);

        await CallAsync(script, relay, "script-mp-1", 25320, 25351);
    }

    [Fact]
    public async Task Force_rtp_proxy_drives_the_relay_named_by_rtpproxy_sock()
    {
        await using var relay = await RelayProcess.StartAsync("25360-25391");
        var script = new Script($$"""
            loadmodule "nathelper.so"
            modparam("nathelper", "rtpproxy_sock", "unix:{{relay.SocketPath}}")
            modparam("nathelper", "rtpproxy_tout", 5)

            """ + RtpProxyRoutes);

        await CallAsync(script, relay, "script-rtpproxy-1", 25360, 25391);
    }

    [Fact]
    public async Task Missing_relay_makes_use_media_proxy_false_at_once_and_leaves_the_sdp()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            var script = new Script(MediaProxyScript(Path.Combine(directory.FullName, "absent.sock"), timeoutMs: 300) + MediaProxyRoutes);
            var invite = Parse(Invite("script-down"));

            var watch = Stopwatch.StartNew();
            await script.RequestAsync(invite);

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(300));
            script.Lines.Count.ShouldBe(2);
            script.Lines[0].ShouldStartWith("mediaproxy: update of script-down failed: relay ");
            script.Lines[0].ShouldContain("Unreachable");
            script.Lines[1].ShouldBe("not relayed\n");
            invite.HasEdits.ShouldBeFalse();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Silent_relay_makes_use_media_proxy_false_after_mediaproxy_timeout()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            await using var fake = new FakeRelaySocket(Path.Combine(directory.FullName, "silent.sock"), _ => null);
            var script = new Script(MediaProxyScript(fake.Path, timeoutMs: 300) + MediaProxyRoutes);

            var watch = Stopwatch.StartNew();
            await script.RequestAsync(Parse(Invite("script-slow")));

            script.Lines.Count.ShouldBe(2);
            script.Lines[0].ShouldContain("TimedOut after 300 ms at most");
            script.Lines[1].ShouldBe("not relayed\n");
            watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280));
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(1300));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Force_rtp_proxy_flags_the_relay_cannot_honour_are_refused_at_load()
    {
        var result = ScriptLoader.LoadText("""
            loadmodule "nathelper.so"
            route {
                force_rtp_proxy("a");
            }
            """, "flags.cfg");

        result.Script.ShouldBeNull();
        result.Diagnostics.Render().ShouldContain("force_rtp_proxy flag 'a' is not supported");
    }

    private static string MediaProxyScript(string socket, int timeoutMs) => $$"""
        loadmodule "usrloc.so"
        loadmodule "domain.so"
        loadmodule "mediaproxy.so"
        modparam("mediaproxy", "mediaproxy_socket", "{{socket}}")
        modparam("mediaproxy", "mediaproxy_timeout", {{timeoutMs}})

        """;

    private static async Task CallAsync(Script script, RelayProcess relay, string callId, int low, int high)
    {
        var invite = Parse(Invite(callId));
        await script.RequestAsync(invite);
        script.Lines.ShouldBe(["relayed\n"], relay.Stderr);
        var offered = AudioPort(invite);
        offered.ShouldBeInRange(low, high);

        var ok = Parse(Ok(callId));
        (await script.ReplyAsync(ok)).ShouldBeTrue("the reply is forwarded");
        var answered = AudioPort(ok);
        answered.ShouldBeInRange(low, high);
        answered.ShouldNotBe(offered);

        await script.RequestAsync(Parse(Bye(callId)));
        script.Lines.ShouldBe(["relayed\n", "removed\n"]);
        using var control = await relay.ConnectAsync();
        JsonDocument.Parse(await control.SendRawAsync("sessions\r\n\r\n")).RootElement.GetArrayLength().ShouldBe(0);
    }

    private static string Invite(string callId) => Message(
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25998;branch=z9hG4bK-" + callId + "\r\n" +
        "To: <sip:bob@example.net>\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n",
        "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 25996 RTP/AVP 0\r\n");

    private static string Ok(string callId) => Message(
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25998;branch=z9hG4bK-" + callId + "\r\n" +
        "To: <sip:bob@example.net>;tag=b9z\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n",
        "v=0\r\no=b 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 25994 RTP/AVP 0\r\n");

    private static string Bye(string callId) =>
        "BYE sip:bob@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25998;branch=z9hG4bK-bye-" + callId + "\r\n" +
        "To: <sip:bob@example.net>;tag=b9z\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 2 BYE\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static string Message(string headers, string sdp) =>
        headers + "Content-Type: application/sdp\r\n" + $"Content-Length: {sdp.Length}\r\n\r\n" + sdp;

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }

    private static int AudioPort(SipMessage edited)
    {
        var output = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(edited, output);
        return MediaCallParty.AudioEndPoint(Encoding.ASCII.GetString(output.WrittenSpan)).Port;
    }

    /// <summary>A compiled script run as a receive loop runs it, with its log lines recorded.</summary>
    private sealed class Script : IScriptLog, IReplyTransport
    {
        private static readonly ReceiveInfo Source = ReceiveInfo.From(new IPEndPoint(IPAddress.Loopback, 25998), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);
        private readonly ScriptWorker _worker;

        public Script(string text)
        {
            var result = ScriptLoader.LoadText(text, "mediaproxy-test.cfg");
            result.Diagnostics.Render().ShouldBeEmpty();
            _worker = new ScriptWorker(result.Script!, this, this);
        }

        public List<string> Lines { get; } = [];

        public async Task RequestAsync(SipMessage request) => await _worker.RouteRequestAsync(request, Source);

        public async Task<bool> ReplyAsync(SipMessage reply) => await _worker.RouteReplyAsync(1, reply, Source, 0);

        public void Write(int level, string text) => Lines.Add(text);

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(false);
    }
}
