using System.Globalization;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Core;

public class SipRequestPipelineTests
{
    private static string Request(string method, string uri, int clientPort, string? via = null, string? extra = null, int maxForwards = 70, string? cseqMethod = null) =>
        $"{method} {uri} SIP/2.0\r\n" +
        $"Via: {via ?? $"SIP/2.0/UDP 127.0.0.1:{clientPort.ToString(CultureInfo.InvariantCulture)};branch=z9hG4bK-{Guid.NewGuid():N}"}\r\n" +
        $"Max-Forwards: {maxForwards.ToString(CultureInfo.InvariantCulture)}\r\n" +
        "From: <sip:alice@natedge.invalid>;tag=88sja8x\r\n" +
        $"To: <{uri}>\r\n" +
        "Call-ID: 987asjd97y7atg\r\n" +
        $"CSeq: 986759 {cseqMethod ?? method}\r\n" +
        (extra ?? string.Empty) +
        "Content-Length: 0\r\n\r\n";

    private static int Status(string reply) => int.Parse(reply.AsSpan(8, 3), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Options_to_the_proxy_address_gets_200_with_the_request_identifiers_copied()
    {
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort));
        var reply = await fixture.ReplyAsync();

        Status(reply).ShouldBe(200);
        reply.ShouldContain("\r\nCall-ID: 987asjd97y7atg\r\n");
        reply.ShouldContain("\r\nCSeq: 986759 OPTIONS\r\n");
        reply.ShouldContain("\r\nFrom: <sip:alice@natedge.invalid>;tag=88sja8x\r\n");
    }

    [Fact]
    public async Task Options_to_an_alias_gets_200_and_a_missing_port_means_5060()
    {
        // An alias without a port names the proxy on any port (SER's grep_aliases); the listen
        // address itself is the proxy only on the bound port, and no port means 5060 (RFC 3261 19.1.2).
        await using var fixture = new PipelineFixture(aliases: ["sip.natedge.invalid"]);

        await fixture.SendAsync(Request("OPTIONS", $"sip:SIP.natedge.invalid:{fixture.Port}", fixture.ClientPort));
        Status(await fixture.ReplyAsync()).ShouldBe(200);

        await fixture.SendAsync(Request("OPTIONS", "sip:sip.natedge.invalid", fixture.ClientPort));
        Status(await fixture.ReplyAsync()).ShouldBe(200);

        await fixture.SendAsync(Request("OPTIONS", "sip:127.0.0.1", fixture.ClientPort));
        Status(await fixture.ReplyAsync()).ShouldBe(404);
    }

    [Fact]
    public async Task Options_with_max_forwards_zero_to_the_proxy_is_answered_by_it()
    {
        // RFC 3261 16.3 step 3: an OPTIONS with Max-Forwards 0 may be answered by the element itself.
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort, maxForwards: 0));

        Status(await fixture.ReplyAsync()).ShouldBe(200);
    }

    [Theory]
    [InlineData("MESSAGE", "sip:bob@elsewhere.natedge.invalid", 0, 483)]
    [InlineData("INVITE", "sip:bob@elsewhere.natedge.invalid", 70, 404)]
    [InlineData("CANCEL", "sip:bob@elsewhere.natedge.invalid", 70, 481)]
    [InlineData("FOOBAR", "sip:bob@elsewhere.natedge.invalid", 70, 501)]
    public async Task Requests_the_proxy_cannot_route_yet_get_an_honest_error(string method, string uri, int maxForwards, int expected)
    {
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request(method, uri, fixture.ClientPort, maxForwards: maxForwards));

        Status(await fixture.ReplyAsync()).ShouldBe(expected);
    }

    [Fact]
    public async Task Register_for_the_proxy_domain_gets_404_while_no_registrar_runs()
    {
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request("REGISTER", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort, extra: "Contact: <sip:alice@127.0.0.1>\r\n"));

        Status(await fixture.ReplyAsync()).ShouldBe(404);
    }

    [Fact]
    public async Task Ack_is_never_answered()
    {
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request("ACK", "sip:bob@elsewhere.natedge.invalid", fixture.ClientPort));

        (await fixture.NoReplyAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_malformed_request_gets_400_with_its_reason()
    {
        await using var fixture = new PipelineFixture();

        // RFC 4475 3.1.2.17-style: the CSeq method does not match the request method.
        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort, cseqMethod: "INVITE"));
        var reply = await fixture.ReplyAsync();

        Status(reply).ShouldBe(400);
        reply.ShouldStartWith("SIP/2.0 400 Bad Request");
    }

    [Fact]
    public async Task An_unsupported_sip_version_gets_505()
    {
        await using var fixture = new PipelineFixture();

        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort).Replace("SIP/2.0\r\n", "SIP/7.0\r\n", StringComparison.Ordinal));

        Status(await fixture.ReplyAsync()).ShouldBe(505);
    }

    [Fact]
    public async Task Responses_are_dropped_even_when_malformed()
    {
        await using var fixture = new PipelineFixture();
        var via = $"SIP/2.0/UDP 127.0.0.1:{fixture.ClientPort};branch=z9hG4bK-1";

        await fixture.SendAsync($"SIP/2.0 200 OK\r\nVia: {via}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        await fixture.SendAsync($"SIP/2.0 2000 OK\r\nVia: {via}\r\nContent-Length: 0\r\n\r\n");

        (await fixture.NoReplyAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_request_without_a_via_is_dropped()
    {
        await using var fixture = new PipelineFixture();
        var request = Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort);
        var withoutVia = string.Join("\r\n", request.Split("\r\n").Where(l => !l.StartsWith("Via:", StringComparison.Ordinal)));

        await fixture.SendAsync(withoutVia);

        (await fixture.NoReplyAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_request_over_the_size_limit_gets_513()
    {
        await using var fixture = new PipelineFixture(new TransportLimits { MaxMessageBytes = 600 });

        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort, extra: $"X-Padding: {new string('p', 600)}\r\n"));

        Status(await fixture.ReplyAsync()).ShouldBe(513);
    }

    [Fact]
    public async Task The_reply_via_carries_received_when_sent_by_is_another_host_and_rport_when_asked()
    {
        await using var fixture = new PipelineFixture();
        var via = $"SIP/2.0/UDP phone.natedge.invalid:5099;branch=z9hG4bK-2;rport";

        await fixture.SendAsync(Request("OPTIONS", $"sip:127.0.0.1:{fixture.Port}", fixture.ClientPort, via: via));
        var reply = await fixture.ReplyAsync();

        reply.ShouldContain($"\r\nVia: SIP/2.0/UDP phone.natedge.invalid:5099;branch=z9hG4bK-2;rport={fixture.ClientPort.ToString(CultureInfo.InvariantCulture)};received=127.0.0.1\r\n");
    }
}
