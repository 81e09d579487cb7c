using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Registrar;
using NatEdge.IntegrationTests.Relay;
using NatEdge.Proxy.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// The proxy's spans as an OpenTelemetry SDK with an in-memory exporter receives them: one server
/// span per SIP transaction with its method, final status, Call-ID hash, NAT flag and relay, and
/// client spans for the relay and database calls made on its behalf, parented to it. Other tests of
/// this process could produce spans too, so each test picks its own by Call-ID hash; and the tests run
/// alone, so their listener never adds span work to another test's timing.
/// </summary>
[Collection(nameof(ProxyTracingTests))]
public sealed class ProxyTracingTests
{
    private const int RelayLow = 26800;
    private const int RelayHigh = 26831;

    [Fact]
    public async Task A_relayed_invite_is_one_span_with_its_final_status_nat_flag_and_relay_and_a_child_span_per_relay_request()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ProxyTracing.SourceName).AddInMemoryExporter(spans).Build();
        await using var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}");
        await using var proxy = await InProcessProxy.StartAsync($$"""
            loadmodule "sl.so"
            loadmodule "tm.so"
            loadmodule "rr.so"
            loadmodule "usrloc.so"
            loadmodule "domain.so"
            loadmodule "nathelper.so"
            loadmodule "mediaproxy.so"
            modparam("mediaproxy", "mediaproxy_socket", "{{relay.SocketPath}}")
            modparam("mediaproxy", "mediaproxy_timeout", 5000)
            route {
                if (method == "INVITE") {
                    if (nat_uac_test("1")) {
                        setflag(6);
                    };
                    if (!use_media_proxy()) {
                        sl_send_reply("503", "Media Relay Unavailable");
                        break;
                    };
                };
                t_relay();
            }
            """);
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var callee = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var callId = $"trace-{Guid.NewGuid():N}@127.0.0.1";

        // The Contact names a private address (RFC 1918), which nat_uac_test's flag 1 reports as NAT.
        await caller.SendAsync(Encoding.ASCII.GetBytes(Invite(caller, callee, proxy, callId)), proxy.EndPoint);
        var relayed = (await RawSipClient.ReceiveUdpAsync(callee)).Text;
        relayed.ShouldStartWith("INVITE ");
        await callee.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Answer(relayed, 486, "Busy Here", "busy")), proxy.EndPoint);
        await ReceiveFinalAsync(caller, "SIP/2.0 486 ");

        var span = await SingleSpanAsync(spans, callId, "INVITE");
        span.Kind.ShouldBe(ActivityKind.Server);
        span.GetTagItem(ProxyTracing.StatusTag).ShouldBe(486);
        span.GetTagItem(ProxyTracing.NatTag).ShouldBe(true);
        span.GetTagItem(ProxyTracing.RelayTag).ShouldBe(relay.SocketPath);
        var relayRequest = Snapshot(spans).Where(s => s.ParentSpanId == span.SpanId).ShouldHaveSingleItem("use_media_proxy on the INVITE asks the relay once");
        relayRequest.TraceId.ShouldBe(span.TraceId);
        relayRequest.Kind.ShouldBe(ActivityKind.Client);
        relayRequest.GetTagItem(ProxyTracing.RelayOutcomeTag).ShouldBe("answered");
        relayRequest.StartTimeUtc.ShouldBeGreaterThanOrEqualTo(span.StartTimeUtc);
    }

    [Fact]
    public async Task A_cancel_is_a_span_of_its_own_answered_200_by_its_transaction()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ProxyTracing.SourceName).AddInMemoryExporter(spans).Build();
        await using var proxy = await InProcessProxy.StartAsync("""
            loadmodule "sl.so"
            loadmodule "tm.so"
            route {
                t_relay();
            }
            """);
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var callee = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var callId = $"trace-{Guid.NewGuid():N}@127.0.0.1";
        var invite = Invite(caller, callee, proxy, callId);
        await caller.SendAsync(Encoding.ASCII.GetBytes(invite), proxy.EndPoint);
        (await RawSipClient.ReceiveUdpAsync(callee)).Text.ShouldStartWith("INVITE ");

        // RFC 3261 section 9.1: the CANCEL repeats the INVITE's Request-URI, top Via, From, To, Call-ID and CSeq number.
        await caller.SendAsync(Encoding.ASCII.GetBytes(CancelOf(invite)), proxy.EndPoint);
        string answer;
        while (!(answer = (await RawSipClient.ReceiveUdpAsync(caller)).Text).Contains("CSeq: 1 CANCEL", StringComparison.Ordinal))
        {
            answer.ShouldStartWith("SIP/2.0 1", customMessage: "only provisional answers to the INVITE come before the CANCEL's 200");
        }

        answer.ShouldStartWith("SIP/2.0 200 ");
        var cancel = await SingleSpanAsync(spans, callId, "CANCEL");
        cancel.GetTagItem(ProxyTracing.StatusTag).ShouldBe(200);
        var inviteSpan = Snapshot(spans).Where(s => (string?)s.GetTagItem(ProxyTracing.MethodTag) == "INVITE" && s.TraceId == cancel.TraceId);
        inviteSpan.ShouldBeEmpty("each transaction is a trace of its own, and the INVITE's is still open");
    }

    [Fact]
    public async Task A_registration_checked_against_the_database_has_database_child_spans_and_the_registrar_s_status()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ProxyTracing.SourceName).AddInMemoryExporter(spans).Build();
        using var directory = new TempDirectory();
        var dbUrl = "sqlite:" + Path.Combine(directory.Path, "natedge.db");
        await RegistrarProxy.PrepareDatabaseAsync(dbUrl);
        await using var proxy = await InProcessProxy.StartAsync(RegistrarProxy.StageTwo(dbUrl, dbMode: 1));
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var callId = $"trace-{Guid.NewGuid():N}@127.0.0.1";

        await phone.SendAsync(Encoding.ASCII.GetBytes(Register(phone, proxy, callId, 1, "")), proxy.EndPoint);
        var challenge = DigestPhone.Challenges(await ReceiveFinalAsync(phone, "SIP/2.0 401 ")).Single();
        var uri = $"sip:127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}";
        var credentials = DigestPhone.Credentials("Authorization", "REGISTER", uri, "1000", "secret1000", challenge);
        await phone.SendAsync(Encoding.ASCII.GetBytes(Register(phone, proxy, callId, 2, credentials)), proxy.EndPoint);
        await ReceiveFinalAsync(phone, "SIP/2.0 200 ");

        var registered = await SingleSpanAsync(spans, callId, "REGISTER", status: 200);
        registered.GetTagItem(ProxyTracing.NatTag).ShouldBeNull("stage 2 runs no NAT test");
        var database = Snapshot(spans).Where(s => s.ParentSpanId == registered.SpanId).ToList();
        database.Count.ShouldBeGreaterThanOrEqualTo(2, "the subscriber lookup and the contact written through (db_mode 1)");
        database.ShouldAllBe(s => s.Kind == ActivityKind.Client && (string?)s.GetTagItem(ProxyTracing.DatabaseSystemTag) == "sqlite");
        var challenged = await SingleSpanAsync(spans, callId, "REGISTER", status: 401);
        Snapshot(spans).ShouldNotContain(s => s.ParentSpanId == challenged.SpanId, "a REGISTER without credentials needs no database");
    }

    [Fact]
    public void The_call_id_hash_is_fnv_1a_64()
    {
        // Published FNV-1a 64-bit test vectors (Fowler, Noll, Vo): "" and "a".
        ProxyTracing.CallIdHash(""u8).ShouldBe("cbf29ce484222325");
        ProxyTracing.CallIdHash("a"u8).ShouldBe("af63dc4c8601ec8c");
    }

    private static async Task<Activity> SingleSpanAsync(ExportedSpans spans, string callId, string method, int? status = null)
    {
        var hash = ProxyTracing.CallIdHash(Encoding.ASCII.GetBytes(callId));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        List<Activity> found;
        do
        {
            // The span ends just after the final response leaves, so it may trail the reply the test already has.
            found = Snapshot(spans).Where(s => (string?)s.GetTagItem(ProxyTracing.CallIdHashTag) == hash
                && (string?)s.GetTagItem(ProxyTracing.MethodTag) == method
                && (status is null || Equals(s.GetTagItem(ProxyTracing.StatusTag), status))).ToList();
            if (found.Count > 0)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        return found.ShouldHaveSingleItem();
    }

    private static List<Activity> Snapshot(ExportedSpans spans) => spans.Snapshot();

    private static async Task<string> ReceiveFinalAsync(UdpClient client, string expectedStart)
    {
        for (var i = 0; i < 5; i++)
        {
            var text = (await RawSipClient.ReceiveUdpAsync(client)).Text;
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                text.ShouldStartWith(expectedStart);
                return text;
            }
        }

        throw new ShouldAssertException("no final answer after five provisional ones");
    }

    private static int PortOf(UdpClient client) => ((IPEndPoint)client.Client.LocalEndPoint!).Port;

    private static string Invite(UdpClient caller, UdpClient callee, InProcessProxy proxy, string callId)
    {
        const string Sdp = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 26850 RTP/AVP 0\r\n";
        return $"INVITE sip:callee@127.0.0.1:{PortOf(callee)} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{PortOf(caller)};branch=z9hG4bK-{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:caller@127.0.0.1>;tag=trace\r\n" +
            $"To: <sip:callee@127.0.0.1:{PortOf(callee)}>\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Contact: <sip:caller@10.0.0.7:5060>\r\n" +
            "Content-Type: application/sdp\r\n" +
            $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp;
    }

    private static string CancelOf(string invite)
    {
        var builder = new StringBuilder();
        foreach (var line in invite[..invite.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n"))
        {
            if (line.StartsWith("INVITE ", StringComparison.Ordinal))
            {
                builder.Append("CANCEL ").Append(line["INVITE ".Length..]).Append("\r\n");
            }
            else if (line.StartsWith("CSeq:", StringComparison.Ordinal))
            {
                builder.Append("CSeq: 1 CANCEL\r\n");
            }
            else if (!line.StartsWith("Content-", StringComparison.Ordinal) && !line.StartsWith("Contact:", StringComparison.Ordinal))
            {
                builder.Append(line).Append("\r\n");
            }
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private static string Register(UdpClient phone, InProcessProxy proxy, string callId, int cseq, string authorization) =>
        $"REGISTER sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{PortOf(phone)};branch=z9hG4bK-{Guid.NewGuid():N};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@127.0.0.1>;tag=phone\r\n" +
        "To: <sip:1000@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} REGISTER\r\n" +
        $"Contact: <sip:1000@127.0.0.1:{PortOf(phone)}>\r\n" +
        "Expires: 3600\r\n" +
        authorization +
        "Content-Length: 0\r\n\r\n";
}

/// <summary>Runs <see cref="ProxyTracingTests"/> with no other test class at the same time.</summary>
[CollectionDefinition(nameof(ProxyTracingTests), DisableParallelization = true)]
public sealed class ProxyTracingCollection;
