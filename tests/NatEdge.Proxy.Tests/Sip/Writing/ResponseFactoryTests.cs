using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Tests.Sip.Writing;

public class ResponseFactoryTests
{
    private const string Options = """
        OPTIONS sip:proxy.example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport
        v: SIP/2.0/UDP relay.example.net;branch=z9hG4bK1
        Max-Forwards: 70
        To: <sip:proxy.example.com>
        From: "Alice" <sip:alice@example.com>;tag=1928301774
        Call-ID: a84b4c76e66710
        CSeq: 63104 OPTIONS
        X-Unrelated: dropped from replies
        Content-Length: 0


        """;

    [Fact]
    public void Ok_to_options_copies_via_from_to_callid_cseq_and_adds_a_to_tag()
    {
        SipMessage request = SipText.Parse(Options);
        var output = new ArrayBufferWriter<byte>();

        ResponseFactory.Write(output, request, 200, "OK"u8, "Allow: INVITE, ACK, OPTIONS\r\n"u8, "abc123"u8);

        Encoding.UTF8.GetString(output.WrittenSpan).ShouldBe(
            "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport\r\n"
            + "v: SIP/2.0/UDP relay.example.net;branch=z9hG4bK1\r\n"
            + "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
            + "To: <sip:proxy.example.com>;tag=abc123\r\n"
            + "Call-ID: a84b4c76e66710\r\n"
            + "CSeq: 63104 OPTIONS\r\n"
            + "Allow: INVITE, ACK, OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n");
    }

    [Fact]
    public void Trying_never_gets_a_to_tag()
    {
        SipMessage request = SipText.Parse(Options);
        var output = new ArrayBufferWriter<byte>();

        ResponseFactory.Write(output, request, 100, "Trying"u8);

        Encoding.UTF8.GetString(output.WrittenSpan).ShouldContain("To: <sip:proxy.example.com>\r\n");
    }

    [Fact]
    public void Derived_tag_is_the_same_for_a_retransmission()
    {
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        ResponseFactory.Write(first, SipText.Parse(Options), 404, "Not Found"u8);
        ResponseFactory.Write(second, SipText.Parse(Options), 404, "Not Found"u8);

        Encoding.UTF8.GetString(first.WrittenSpan).ShouldMatch("To: <sip:proxy.example.com>;tag=[0-9a-f]{16}\r\n");
        first.WrittenSpan.SequenceEqual(second.WrittenSpan).ShouldBeTrue();
    }

    [Fact]
    public void Received_and_rport_stamp_goes_into_the_reply_and_the_reply_goes_to_received_rport()
    {
        SipMessage request = SipText.Parse(Options);
        ViaReceivedStamp.Apply(request, "203.0.113.7"u8, 40000).ShouldBeTrue();
        var output = new ArrayBufferWriter<byte>();

        ResponseFactory.Write(output, request, 200, "OK"u8, toTag: "t"u8);

        string reply = Encoding.UTF8.GetString(output.WrittenSpan);
        reply.ShouldContain("Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport=40000;received=203.0.113.7\r\n");
        SipMessage parsedReply = SipText.Parse(reply);
        ResponseTargets.TryGet(parsedReply, out ResponseTarget target).ShouldBeTrue();
        parsedReply.Str(target.Host).ShouldBe("203.0.113.7");
        target.Port.ShouldBe(40000);
        target.ReuseConnection.ShouldBeFalse();
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK1", 40000, true, 40000)]
    [InlineData("SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1", 40000, true, 5062)]
    [InlineData("SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1", 40000, true, 5060)]
    [InlineData("SIP/2.0/TLS 10.0.0.5;branch=z9hG4bK1", 40000, true, 5061)]
    [InlineData("SIP/2.0/UDP 10.0.0.5;maddr=239.255.255.1;branch=z9hG4bK1", 40000, false, 5060)]
    public void Reply_to_a_received_request_goes_back_to_its_source(string via, int sourcePort, bool toSource, int port)
    {
        SipMessage request = SipText.Parse($"OPTIONS sip:p.example.com SIP/2.0\nVia: {via}\nContent-Length: 0\n\n");

        ResponseTargets.TryGetForReceivedRequest(request, sourcePort, out ResponseTarget target).ShouldBeTrue();

        target.UseSourceAddress.ShouldBe(toSource);
        target.Port.ShouldBe(port);
    }

    [Fact]
    public void Reply_over_tcp_reuses_the_connection()
    {
        SipMessage response = SipText.Parse("SIP/2.0 200 OK\nVia: SIP/2.0/TCP 10.0.0.5:5070;branch=z9hG4bK1;received=198.51.100.3\nContent-Length: 0\n\n");

        ResponseTargets.TryGet(response, out ResponseTarget target).ShouldBeTrue();

        target.ReuseConnection.ShouldBeTrue();
        response.Str(target.Host).ShouldBe("198.51.100.3");
        target.Port.ShouldBe(5070);
    }

    private const string Invite = """
        INVITE sip:1999@127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-unknown-1;rport
        Max-Forwards: 70
        To: <sip:1999@127.0.0.1>
        From: <sip:1000@127.0.0.1>;tag=caller1
        Call-ID: unknown-user-call
        CSeq: 7 INVITE
        Content-Length: 0


        """;

    [Fact]
    public void The_ACK_of_a_stateless_404_is_recognised_by_its_derived_To_tag()
    {
        var reply = new ArrayBufferWriter<byte>();
        ResponseFactory.Write(reply, SipText.Parse(Invite), 404, "User Not Found"u8);
        var tag = Regex.Match(Encoding.UTF8.GetString(reply.WrittenSpan), "To: <sip:1999@127.0.0.1>;tag=([0-9a-f]{16})\r\n").Groups[1].Value;
        tag.Length.ShouldBe(16);

        // RFC 3261 17.1.1.3: the ACK of a non-2xx reply keeps the INVITE's branch, Call-ID, From and CSeq number, and the reply's To.
        ResponseFactory.AcknowledgesDerivedTag(SipText.Parse(Ack(tag))).ShouldBeTrue();
    }

    [Theory]
    [InlineData("a84b4c76e66710ab")]
    [InlineData("callee-tag")]
    public void An_ACK_with_another_To_tag_is_not_the_proxys_to_absorb(string tag) =>
        ResponseFactory.AcknowledgesDerivedTag(SipText.Parse(Ack(tag))).ShouldBeFalse();

    private static string Ack(string toTag) => Invite
        .Replace("INVITE sip:", "ACK sip:", StringComparison.Ordinal)
        .Replace("To: <sip:1999@127.0.0.1>", "To: <sip:1999@127.0.0.1>;tag=" + toTag, StringComparison.Ordinal)
        .Replace("CSeq: 7 INVITE", "CSeq: 7 ACK", StringComparison.Ordinal);
}
