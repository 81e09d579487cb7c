using System.Buffers;
using System.Text;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy;

/// <summary>
/// The update and remove requests built from SIP messages, and the SDP rewritten from the relay's
/// answer, checked against the worked exchanges of mediaproxy-protocol.md section 6.
/// </summary>
public sealed class MediaRequestBuilderTests
{
    private const string AliceSdp =
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.168.1.20\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.168.1.20\r\n" +
        "t=0 0\r\n" +
        "m=audio 8000 RTP/AVP 0\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "m=video 8002 RTP/AVP 31\r\n" +
        "a=rtpmap:31 H261/90000\r\n";

    private const string BobSdp =
        "v=0\r\n" +
        "o=bob 2808844564 2808844564 IN IP4 203.0.113.50\r\n" +
        "s=-\r\n" +
        "c=IN IP4 203.0.113.50\r\n" +
        "t=0 0\r\n" +
        "m=audio 30000 RTP/AVP 0\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "m=video 0 RTP/AVP 31\r\n";

    private const string BobHoldSdp =
        "v=0\r\n" +
        "o=bob 2808844564 2808844565 IN IP4 203.0.113.50\r\n" +
        "s=-\r\n" +
        "c=IN IP4 203.0.113.50\r\n" +
        "t=0 0\r\n" +
        "m=audio 30000 RTP/AVP 0\r\n" +
        "a=sendonly\r\n";

    private static readonly string AliceInvite =
        "INVITE sip:bob@example.net SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:bob@example.net>\r\n" +
        "From: \"Alice\" <sip:alice@example.net;transport=udp>;tag=a1b2\r\n" +
        "Call-ID: 9f2c1e@192.168.1.20\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Contact: <sip:alice@192.168.1.20>\r\n" +
        "User-Agent: DemoPhone 1.0\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {AliceSdp.Length}\r\n" +
        "\r\n" + AliceSdp;

    private static readonly string BobOk =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK776asdhds\r\n" +
        "To: <sip:bob@example.net>;tag=b9z\r\n" +
        "From: \"Alice\" <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: 9f2c1e@192.168.1.20\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Contact: <sip:bob@203.0.113.50>\r\n" +
        "Server: OtherPhone 2\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {BobSdp.Length}\r\n" +
        "\r\n" + BobSdp;

    private static readonly string BobHoldInvite =
        "INVITE sip:alice@192.168.1.20 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 203.0.113.50:5060;branch=z9hG4bK5551\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:alice@example.net>;tag=a1b2\r\n" +
        "From: <sip:bob@example.net>;tag=b9z\r\n" +
        "Call-ID: 9f2c1e@192.168.1.20\r\n" +
        "CSeq: 7 INVITE\r\n" +
        "User-Agent: OtherPhone 2\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {BobHoldSdp.Length}\r\n" +
        "\r\n" + BobHoldSdp;

    [Fact]
    public void Invite_from_alice_gives_the_update_of_section_6_1()
    {
        var expected =
            "update\r\n" +
            "type: request\r\n" +
            "dialog_id: 3012:77\r\n" +
            "call_id: 9f2c1e@192.168.1.20\r\n" +
            "cseq: 1\r\n" +
            "from_uri: alice@example.net\r\n" +
            "to_uri: bob@example.net\r\n" +
            "from_tag: a1b2\r\n" +
            "to_tag: \r\n" +
            "user_agent: DemoPhone 1.0\r\n" +
            "signaling_ip: 198.51.100.7\r\n" +
            "media_relay: \r\n" +
            "media: audio:192.168.1.20:8000:sendrecv:ice=no,video:192.168.1.20:8002:sendrecv:ice=no\r\n" +
            "\r\n";

        var error = MediaRequestBuilder.TryBuildUpdate(Parse(AliceInvite), "198.51.100.7", "3012:77", out var request, out _);

        error.ShouldBe(MediaRequestError.None);
        Encode(request!, writeEmptyHeaders: true).ShouldBe(expected);
    }

    [Fact]
    public void Relay_answer_rewrites_the_invite_to_the_callee_facing_ports()
    {
        var invite = Parse(AliceInvite);
        MediaRequestBuilder.TryBuildUpdate(invite, "198.51.100.7", null, out _, out var sdp).ShouldBe(MediaRequestError.None);

        var result = MediaSdpEditor.Apply(invite, sdp!, ControlReplyReader.Parse("192.0.2.10 40002 40006", withSequence: false));

        result.ShouldBe(SdpRewriteResult.Rewritten);
        var written = Reparse(invite);
        var body = Body(written);
        body.ShouldContain("c=IN IP4 192.0.2.10\r\n");
        body.ShouldContain("m=audio 40002 RTP/AVP 0\r\n");
        body.ShouldContain("m=video 40006 RTP/AVP 31\r\n");
        body.ShouldNotContain("c=IN IP4 192.168.1.20");
        written.ContentLength.ShouldBe(written.Body.Length);
        body.Length.ShouldBe(AliceSdp.Length + ("192.0.2.10".Length - "192.168.1.20".Length) + 2);
    }

    [Fact]
    public void Bobs_answer_gives_the_reply_update_and_keeps_the_rejected_video_port()
    {
        var ok = Parse(BobOk);

        var error = MediaRequestBuilder.TryBuildUpdate(ok, "198.51.100.7", "3012:77", out var request, out var sdp);

        error.ShouldBe(MediaRequestError.None);
        Encode(request!, writeEmptyHeaders: true).ShouldBe(
            "update\r\n" +
            "type: reply\r\n" +
            "dialog_id: 3012:77\r\n" +
            "call_id: 9f2c1e@192.168.1.20\r\n" +
            "cseq: 1\r\n" +
            "from_uri: alice@example.net\r\n" +
            "to_uri: bob@example.net\r\n" +
            "from_tag: a1b2\r\n" +
            "to_tag: b9z\r\n" +
            "user_agent: OtherPhone 2\r\n" +
            "signaling_ip: 198.51.100.7\r\n" +
            "media_relay: \r\n" +
            "media: audio:203.0.113.50:30000:sendrecv:ice=no,video:203.0.113.50:0:sendrecv:ice=no\r\n" +
            "\r\n");

        MediaSdpEditor.Apply(ok, sdp!, ControlReplyReader.Parse("192.0.2.10 40000 0", withSequence: false)).ShouldBe(SdpRewriteResult.Rewritten);
        var written = Reparse(ok);
        var body = Body(written);
        body.ShouldContain("c=IN IP4 192.0.2.10\r\n");
        body.ShouldContain("m=audio 40000 RTP/AVP 0\r\n");
        body.ShouldContain("m=video 0 RTP/AVP 31\r\n");
        written.ContentLength.ShouldBe(written.Body.Length);
    }

    [Fact]
    public void Hold_reinvite_from_bob_gives_the_update_of_section_6_2()
    {
        var error = MediaRequestBuilder.TryBuildUpdate(Parse(BobHoldInvite), "203.0.113.50", "3012:77", out var request, out _);

        error.ShouldBe(MediaRequestError.None);
        Encode(request!, writeEmptyHeaders: true).ShouldBe(
            "update\r\n" +
            "type: request\r\n" +
            "dialog_id: 3012:77\r\n" +
            "call_id: 9f2c1e@192.168.1.20\r\n" +
            "cseq: 7\r\n" +
            "from_uri: bob@example.net\r\n" +
            "to_uri: alice@example.net\r\n" +
            "from_tag: b9z\r\n" +
            "to_tag: a1b2\r\n" +
            "user_agent: OtherPhone 2\r\n" +
            "signaling_ip: 203.0.113.50\r\n" +
            "media_relay: \r\n" +
            "media: audio:203.0.113.50:30000:sendonly:ice=no\r\n" +
            "\r\n");
    }

    [Fact]
    public void Teardown_gives_the_remove_of_section_6_3()
    {
        var bye =
            "BYE sip:bob@203.0.113.50 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK9\r\n" +
            "To: <sip:bob@example.net>;tag=b9z\r\n" +
            "From: <sip:alice@example.net>;tag=a1b2\r\n" +
            "Call-ID: 9f2c1e@192.168.1.20\r\n" +
            "CSeq: 2 BYE\r\n" +
            "Content-Length: 0\r\n\r\n";

        var request = MediaRequestBuilder.BuildRemove(Parse(bye));

        Encode(request!, writeEmptyHeaders: true).ShouldBe(
            "remove\r\n" +
            "call_id: 9f2c1e@192.168.1.20\r\n" +
            "from_tag: a1b2\r\n" +
            "to_tag: b9z\r\n" +
            "\r\n");
    }

    [Fact]
    public void Request_with_fewer_ports_than_streams_is_left_alone()
    {
        var invite = Parse(AliceInvite);
        MediaRequestBuilder.TryBuildUpdate(invite, "198.51.100.7", null, out _, out var sdp);

        // Spec §1.5: a request needs one port per supported stream ("insufficient ports").
        MediaSdpEditor.Apply(invite, sdp!, ControlReplyReader.Parse("192.0.2.10 40002", withSequence: false)).ShouldBe(SdpRewriteResult.InsufficientPorts);
        MediaSdpEditor.Apply(invite, sdp!, ControlReplyReader.Parse("error", withSequence: false)).ShouldBe(SdpRewriteResult.RelayError);

        invite.HasEdits.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Content-Type: text/plain\r\n", "hello", "a body that is not SDP")]
    [InlineData("Content-Type: application/sdp\r\n", "", "no body")]
    public void Message_without_sdp_gives_no_update(string contentType, string body, string reason)
    {
        var invite =
            "INVITE sip:bob@example.net SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1\r\n" +
            "To: <sip:bob@example.net>\r\n" +
            "From: <sip:alice@example.net>;tag=a1b2\r\n" +
            "Call-ID: c1\r\n" +
            "CSeq: 1 INVITE\r\n" +
            contentType +
            $"Content-Length: {body.Length}\r\n\r\n" + body;

        MediaRequestBuilder.TryBuildUpdate(Parse(invite), "198.51.100.7", null, out var request, out _).ShouldBe(MediaRequestError.NoSdp, reason);
        request.ShouldBeNull();
    }

    [Fact]
    public void Missing_user_agent_and_server_read_unknown_agent()
    {
        var message = BobOk.Replace("Server: OtherPhone 2\r\n", string.Empty, StringComparison.Ordinal);

        MediaRequestBuilder.TryBuildUpdate(Parse(message), "198.51.100.7", null, out var request, out _);

        request!.UserAgent.ShouldBe("unknown agent");
    }

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }

    private static SipMessage Reparse(SipMessage edited)
    {
        var output = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(edited, output);
        return Parse(Encoding.ASCII.GetString(output.WrittenSpan));
    }

    private static string Body(SipMessage message) => Encoding.ASCII.GetString(message[message.Body]);

    private static string Encode(ControlRequest request, bool writeEmptyHeaders)
    {
        var output = new ArrayBufferWriter<byte>();
        ControlRequestWriter.Write(request, output, writeEmptyHeaders).ShouldBe(ControlProtocolError.None);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
