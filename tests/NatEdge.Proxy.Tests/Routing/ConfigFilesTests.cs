using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// The configurations shipped in config/: the default one starts and behaves as its
/// comments say; the three guide stages bind, and their only errors are calls to
/// functions whose modules have not landed yet.
/// </summary>
public sealed class ConfigFilesTests
{
    private const string Probe = """
        OPTIONS sip:127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-probe
        Max-Forwards: 70
        From: <sip:probe@127.0.0.1>;tag=p1
        To: <sip:127.0.0.1>
        Call-ID: probe@127.0.0.1
        CSeq: 7 OPTIONS
        Content-Length: 0


        """;

    private static string Config(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "config", name));

    [Theory]
    [InlineData("OPTIONS", "sip:127.0.0.1", "200 OK")]
    [InlineData("OPTIONS", "sip:127.0.0.1:5060;transport=tcp", "200 OK")]
    [InlineData("OPTIONS", "sip:alice@127.0.0.1", "404 Not Found")]
    [InlineData("INVITE", "sip:bob@127.0.0.1", "404 Not Found")]
    [InlineData("REGISTER", "sip:127.0.0.1", "404 Not Found")]
    [InlineData("BYE", "sip:bob@127.0.0.1", "404 Not Found")]
    [InlineData("CANCEL", "sip:bob@127.0.0.1", "481 Call/Transaction Does Not Exist")]
    [InlineData("FOOBAR", "sip:bob@127.0.0.1", "501 Not Implemented")]
    [InlineData("INVITE", "sip:bob@other.test", "404 Not Found - No Route to the Request-URI Domain")]
    public void Default_config_answers_probes_and_refuses_the_rest_honestly(string method, string uri, string expected)
    {
        var harness = new ScriptHarness(Config("natedge.cfg"));

        harness.Request(Probe.Replace("OPTIONS sip:127.0.0.1", $"{method} {uri}", StringComparison.Ordinal)
            .Replace("7 OPTIONS", $"7 {method}", StringComparison.Ordinal));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith($"SIP/2.0 {expected}\r\n");
    }

    [Fact]
    public void Default_config_never_answers_an_ack_and_stops_loops()
    {
        var harness = new ScriptHarness(Config("natedge.cfg"));

        harness.Request(Probe.Replace("OPTIONS sip", "ACK sip", StringComparison.Ordinal).Replace("7 OPTIONS", "7 ACK", StringComparison.Ordinal));
        harness.Replies.ShouldBeEmpty();

        // RFC 3261 16.3 step 3: an OPTIONS at Max-Forwards 0 may be answered by the proxy itself...
        harness.Request(Probe.Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal));
        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 200 OK\r\n");

        // ...any other request with nothing left to forward gets 483.
        var other = new ScriptHarness(Config("natedge.cfg"));
        other.Request(Probe.Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal).Replace("OPTIONS sip:127.0.0.1", "MESSAGE sip:bob@other.test", StringComparison.Ordinal).Replace("7 OPTIONS", "7 MESSAGE", StringComparison.Ordinal));
        other.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 483 Too Many Hops\r\n");
    }

    [Fact]
    public void Default_config_answers_options_with_what_rfc_3261_11_2_lists()
    {
        var harness = new ScriptHarness(Config("natedge.cfg"));

        harness.Request(Probe);

        var reply = harness.Replies.ShouldHaveSingleItem();
        reply.ShouldContain("\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
        reply.ShouldContain("\r\nAccept: application/sdp\r\n");
        reply.ShouldContain("\r\nSupported: \r\n");
    }

    [Fact]
    public void Default_config_listens_on_udp_and_tcp_loopback()
    {
        var result = ScriptLoader.LoadText(Config("natedge.cfg"), "natedge.cfg");

        result.Diagnostics.Items.ShouldBeEmpty();
        result.Script!.Settings.Listen.Select(l => l.ToString()).ShouldBe(["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"]);
    }

    [Theory]
    [InlineData("stage1-hello.cfg")]
    [InlineData("stage2-auth-db.cfg")]
    [InlineData("stage3-nat.cfg")]
    public void Guide_stages_load_without_diagnostics(string name)
    {
        var result = ScriptLoader.LoadText(Config(name), name);

        result.Diagnostics.Render().ShouldBeEmpty();
        result.Script.ShouldNotBeNull();
    }

    [Fact]
    public void The_load_runners_stage_2_is_the_guides_without_the_100_trying_to_register()
    {
        var bench = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "loadtest", "config", "stage2-bench.cfg"));
        var guide = Config("stage2-auth-db.cfg");

        ScriptLoader.LoadText(bench, "stage2-bench.cfg").Diagnostics.Render().ShouldBeEmpty();
        var guideLines = Statements(guide);
        var trying = guideLines.FindIndex(line => line.StartsWith("sl_send_reply(\"100\"", StringComparison.Ordinal));
        trying.ShouldBeGreaterThan(0);
        guideLines.RemoveAt(trying);
        Statements(bench).ShouldBe(guideLines);

        static List<string> Statements(string script) =>
            [.. script.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'))];
    }
}
