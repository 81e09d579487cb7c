using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Registrar;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// The proxy's /metrics after known traffic through the guide's stage 2 (digest auth, registrar,
/// stateful relay) on SQLite. Every expected figure is counted from the messages sent and from what
/// stage 2's script answers them with: route[2] sends "100 Trying" and then a challenge or the
/// registrar's 200; route[3] challenges with 407; a malformed CSeq is owed 400 (RFC 3261 section 21.4.1)
/// before any script runs; the ACK of a non-2xx final answer belongs to the INVITE's server transaction
/// (RFC 3261 section 17.2.1) and never reaches the script.
/// </summary>
public sealed class ProxyMetricsProcessTests
{
    [Fact]
    public async Task Registration_authentication_a_relayed_call_and_bad_messages_show_in_the_series()
    {
        using var directory = new TempDirectory();
        var dbUrl = "sqlite:" + Path.Combine(directory.Path, "natedge.db");
        await RegistrarProxy.PrepareDatabaseAsync(dbUrl);
        var metricsPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartAsync(RegistrarProxy.StageTwo(dbUrl, dbMode: 1), metricsPort);
        using var scrape = new MonitorScrape(metricsPort);

        // Three REGISTERs: no credentials, a wrong password, the right one (100 Trying before each final answer).
        using var phone = new DigestPhone(proxy, "1000", "secret1000");
        using var impostor = new DigestPhone(proxy, "1000", "wrong-password");
        var challenge = DigestPhone.Challenges(await phone.RegisterAsync()).Single();
        (await impostor.RegisterAsync(impostor.Answer(challenge))).ShouldStartWith("SIP/2.0 401 ");
        var challengeAgain = DigestPhone.Challenges(await phone.RegisterAsync()).Single();
        (await phone.RegisterAsync(phone.Answer(challengeAgain))).ShouldStartWith("SIP/2.0 200 ");

        // 1001 calls 1000: first without credentials (407), then with them; the proxy relays it to the phone.
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await caller.SendAsync(Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, proxy, "1000", from: "1001")), proxy.EndPoint);
        var proxyChallenge = DigestPhone.ProxyChallenges((await RawSipClient.ReceiveUdpAsync(caller)).Text).Single();
        var requestUri = $"sip:1000@{RegistrarProxy.Domain}:{proxy.Port.ToString(CultureInfo.InvariantCulture)}";
        var credentials = DigestPhone.Credentials("Proxy-Authorization", "INVITE", requestUri, "1001", "secret1001", proxyChallenge);
        var invite = RegistrarProxy.Invite(caller, proxy, "1000", from: "1001", cseq: 2, extra: credentials);
        await caller.SendAsync(Encoding.ASCII.GetBytes(invite), proxy.EndPoint);
        var relayed = await phone.ReceiveAsync();
        relayed.ShouldStartWith("INVITE ");

        var during = await scrape.MetricsAsync();
        during["natedge_proxy_transactions_active{kind=\"server\"}"].ShouldBe(1);
        during["natedge_proxy_transactions_active{kind=\"client\"}"].ShouldBe(1);

        // The phone is busy; the caller gets the 486 (after any provisional answers) and acknowledges it.
        await phone.SendRawAsync(RawSipClient.Answer(relayed, 486, "Busy Here", "busy-phone"));
        var provisionalToCaller = 0;
        string final;
        while ((final = (await RawSipClient.ReceiveUdpAsync(caller)).Text).StartsWith("SIP/2.0 1", StringComparison.Ordinal))
        {
            provisionalToCaller++;
        }

        final.ShouldStartWith("SIP/2.0 486 ");
        await caller.SendAsync(Encoding.ASCII.GetBytes(AckFor(invite, final)), proxy.EndPoint);

        // A request with a malformed CSeq (answered 400), then a datagram that is not SIP at all.
        var badCSeq = RegistrarProxy.Invite(caller, proxy, "1000", from: "1001", cseq: 3).Replace("CSeq: 3 INVITE", "CSeq: three INVITE", StringComparison.Ordinal);
        await caller.SendAsync(Encoding.ASCII.GetBytes(badCSeq), proxy.EndPoint);
        (await RawSipClient.ReceiveUdpAsync(caller)).Text.ShouldStartWith("SIP/2.0 400 ");
        await caller.SendAsync("HELLO\r\n\r\n"u8.ToArray(), proxy.EndPoint);

        // The counters move just after each send, so the last ones may trail the answers the test already has.
        var after = await WaitForAsync(scrape, samples => SumOf(samples, "natedge_proxy_parse_errors_total") >= 2 && samples["natedge_proxy_replies_sent_total{class=\"4xx\"}"] >= 6);

        after["natedge_proxy_requests_received_total{method=\"REGISTER\"}"].ShouldBe(4);
        after["natedge_proxy_requests_received_total{method=\"INVITE\"}"].ShouldBe(3);
        after["natedge_proxy_requests_received_total{method=\"ACK\"}"].ShouldBe(1);
        after["natedge_proxy_requests_received_total{method=\"BYE\"}"].ShouldBe(0);
        after["natedge_proxy_replies_sent_total{class=\"1xx\"}"].ShouldBe(4 + provisionalToCaller);
        after["natedge_proxy_replies_sent_total{class=\"2xx\"}"].ShouldBe(1);
        after["natedge_proxy_replies_sent_total{class=\"4xx\"}"].ShouldBe(3 + 1 + 1 + 1);
        after["natedge_proxy_replies_sent_total{class=\"5xx\"}"].ShouldBe(0);
        after["natedge_proxy_parse_errors_total{reason=\"malformed_cseq\"}"].ShouldBe(1);
        after["natedge_proxy_parse_errors_total{reason=\"malformed_start_line\"}"].ShouldBe(1, "a start line of one token is neither a Request-Line nor a Status-Line (RFC 3261 section 7.1)");
        SumOf(after, "natedge_proxy_parse_errors_total").ShouldBe(2);
        after["natedge_proxy_script_run_seconds_count"].ShouldBe(4 + 2);
        after["natedge_proxy_auth_challenges_total"].ShouldBe(3 + 1);
        after["natedge_proxy_auth_failures_total"].ShouldBe(1);
        after["natedge_proxy_auth_successes_total"].ShouldBe(2);
        after["natedge_proxy_registrations_active"].ShouldBe(1);
        after["natedge_proxy_db_operations_total"].ShouldBeGreaterThanOrEqualTo(3 + 1, "three credential checks and the write of the contact (db_mode 1)");
        SumOf(after, "natedge_proxy_db_errors_total").ShouldBe(0);
        after["natedge_proxy_nat_pings_total{outcome=\"sent\"}"].ShouldBe(0, "stage 2 loads no nathelper");
        SumOf(after, "natedge_proxy_relay_requests_total").ShouldBe(0, "stage 2 loads no mediaproxy");
    }

    [Fact]
    public async Task Keepalives_to_a_registered_contact_behind_nat_are_counted_as_sent()
    {
        var metricsPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartAsync(KeepaliveScript, metricsPort);
        using var scrape = new MonitorScrape(metricsPort);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        // Via and Contact name port 5999 while the packets leave from another: nat_uac_test("16") sees NAT,
        // fix_nated_register() keeps the real source, and the keepalives go there (nathelper's natping).
        await phone.SendAsync(Encoding.ASCII.GetBytes(NatedRegister(phone, proxy)), proxy.EndPoint);
        (await RawSipClient.ReceiveUdpAsync(phone)).Text.ShouldStartWith("SIP/2.0 200 ");
        var keepalives = 0;
        while (keepalives < 2)
        {
            var (datagram, _) = await RawSipClient.ReceiveUdpAsync(phone, TimeSpan.FromSeconds(10));
            datagram.ShouldBe("\0\0\0\0", "nathelper's keepalive is four zero bytes");
            keepalives++;
        }

        var samples = await scrape.MetricsAsync();
        samples["natedge_proxy_nat_pings_total{outcome=\"sent\"}"].ShouldBeGreaterThanOrEqualTo(keepalives);
        samples["natedge_proxy_nat_pings_total{outcome=\"failed\"}"].ShouldBe(0);
        samples["natedge_proxy_registrations_active"].ShouldBe(1);
    }

    [Fact]
    public async Task A_relay_that_is_not_running_is_counted_as_unreachable_and_never_timed()
    {
        using var directory = new TempDirectory();
        var metricsPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartAsync(MediaProxy.MediaRelayScript.For(Path.Combine(directory.Path, "no-relay.sock")), metricsPort);
        using var scrape = new MonitorScrape(metricsPort);
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await caller.SendAsync(Encoding.ASCII.GetBytes(InviteWithOffer(caller, proxy)), proxy.EndPoint);
        (await RawSipClient.ReceiveUdpAsync(caller)).Text.ShouldStartWith("SIP/2.0 503 ");

        var samples = await WaitForAsync(scrape, s => s["natedge_proxy_replies_sent_total{class=\"5xx\"}"] >= 1);
        samples["natedge_proxy_relay_requests_total{outcome=\"unreachable\"}"].ShouldBe(1);
        SumOf(samples, "natedge_proxy_relay_requests_total").ShouldBe(1);
        samples["natedge_proxy_relay_round_trip_seconds_count"].ShouldBe(0, "only answered requests have a round trip");
        samples["natedge_proxy_replies_sent_total{class=\"5xx\"}"].ShouldBe(1);
    }

    private const string KeepaliveScript = """
        loadmodule "sl.so"
        loadmodule "usrloc.so"
        loadmodule "registrar.so"
        loadmodule "nathelper.so"
        modparam("nathelper", "natping_interval", 1)
        modparam("nathelper", "ping_nated_only", 1)
        modparam("registrar", "nat_flag", 6)
        route {
            if (method == "REGISTER") {
                if (nat_uac_test("16")) {
                    setflag(6);
                    fix_nated_register();
                };
                save("location");
                break;
            };
            sl_send_reply("404", "Not Here");
        }
        """;

    private static string NatedRegister(UdpClient phone, ProxyProcess proxy) =>
        $"REGISTER sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-{Guid.NewGuid():N};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:2000@127.0.0.1>;tag=nated\r\n" +
        "To: <sip:2000@127.0.0.1>\r\n" +
        $"Call-ID: nated-{((IPEndPoint)phone.Client.LocalEndPoint!).Port}@127.0.0.1\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        "Contact: <sip:2000@127.0.0.1:5999>\r\n" +
        "Expires: 600\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static string InviteWithOffer(UdpClient caller, ProxyProcess proxy)
    {
        const string Sdp = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 26860 RTP/AVP 0\r\n";
        var port = ((IPEndPoint)caller.Client.LocalEndPoint!).Port;
        return $"INVITE sip:callee@127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:caller@127.0.0.1>;tag=offer\r\n" +
            "To: <sip:callee@127.0.0.1>\r\n" +
            $"Call-ID: offer-{port}@127.0.0.1\r\n" +
            "CSeq: 1 INVITE\r\n" +
            $"Contact: <sip:caller@127.0.0.1:{port}>\r\n" +
            "Content-Type: application/sdp\r\n" +
            $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp;
    }

    internal static Task<ProxyProcess> StartAsync(string config, int metricsPort)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        return ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "proxy.cfg", "--listen", $"udp:127.0.0.1:{p}", "--listen", $"tcp:127.0.0.1:{p}", "--metrics", $"127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}"],
            port,
            directory => directory.File("proxy.cfg", config));
    }

    /// <summary>The sum of every series of a metric (all its label sets).</summary>
    internal static double SumOf(Dictionary<string, double> samples, string metric) =>
        samples.Where(s => s.Key == metric || s.Key.StartsWith(metric + "{", StringComparison.Ordinal)).Sum(s => s.Value);

    /// <summary>Scrapes until <paramref name="done"/> holds or <paramref name="limit"/> (5 s) has passed; returns the last scrape.</summary>
    internal static async Task<Dictionary<string, double>> WaitForAsync(MonitorScrape scrape, Func<Dictionary<string, double>, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var samples = await scrape.MetricsAsync();
            if (done(samples) || DateTime.UtcNow > deadline)
            {
                return samples;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The ACK of a non-2xx answer (RFC 3261 section 17.1.1.3): the INVITE's Request-URI, top Via, From,
    /// Call-ID and CSeq number, with the To of the answer.
    /// </summary>
    private static string AckFor(string invite, string answer)
    {
        var lines = invite.Split("\r\n");
        var builder = new StringBuilder().Append("ACK ").Append(lines[0]["INVITE ".Length..]).Append("\r\n");
        foreach (var line in lines)
        {
            if (StartsWithAny(line, "Via:", "From:", "Call-ID:", "Max-Forwards:"))
            {
                builder.Append(line).Append("\r\n");
            }
            else if (StartsWithAny(line, "CSeq:"))
            {
                builder.Append(line.Replace("INVITE", "ACK", StringComparison.Ordinal)).Append("\r\n");
            }
        }

        var to = answer.Split("\r\n").First(l => StartsWithAny(l, "To:"));
        return builder.Append(to).Append("\r\nContent-Length: 0\r\n\r\n").ToString();
    }

    private static bool StartsWithAny(string line, params string[] prefixes) =>
        prefixes.Any(p => line.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
