using System.Text;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Shared.Tests.Sdp;

public class SdpRewriterTests
{
    /// <summary>Alice's offer of spec §6.1: session-level address, audio 8000 and video 8002.</summary>
    private const string AliceOffer =
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.168.1.20\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.168.1.20\r\n" +
        "t=0 0\r\n" +
        "m=audio 8000 RTP/AVP 0 8\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "m=video 8002 RTP/AVP 31\r\n" +
        "a=rtpmap:31 H261/90000\r\n";

    private static (SdpRewriteResult Result, string Body) Rewrite(string sdp, string replyLine, bool isReply = false, uint? icePriority = null)
    {
        var body = Encoding.ASCII.GetBytes(sdp);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        var splices = new List<SdpSplice>();
        var result = SdpRewriter.Rewrite(body, index!, ControlReplyReader.Parse(replyLine, false), new SdpRewriteOptions(isReply, icePriority), splices);
        return (result, Encoding.ASCII.GetString(SdpSplices.ApplyToArray(body, splices)));
    }

    [Fact]
    public void Index_gives_the_media_header_the_module_sends_in_section_6_1()
    {
        var body = Encoding.ASCII.GetBytes(AliceOffer);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        MediaHeaderCodec.Format(index!.ToMediaStreams(body))
            .ShouldBe("audio:192.168.1.20:8000:sendrecv:ice=no,video:192.168.1.20:8002:sendrecv:ice=no");
    }

    [Fact]
    public void Offer_of_section_6_1_gets_the_relay_address_and_callee_facing_ports()
    {
        var (result, body) = Rewrite(AliceOffer, "192.0.2.10 40002 40006");
        result.ShouldBe(SdpRewriteResult.Rewritten);
        body.ShouldBe(AliceOffer
            .Replace("c=IN IP4 192.168.1.20", "c=IN IP4 192.0.2.10", StringComparison.Ordinal)
            .Replace("m=audio 8000", "m=audio 40002", StringComparison.Ordinal)
            .Replace("m=video 8002", "m=video 40006", StringComparison.Ordinal));
        body.ShouldContain("o=alice 2890844526 2890844526 IN IP4 192.168.1.20", Case.Sensitive, "the origin line is not a media address");
    }

    [Fact]
    public void Answer_of_section_6_1_keeps_the_rejected_video_port_at_zero()
    {
        const string answer = "v=0\r\no=bob 1 1 IN IP4 203.0.113.50\r\ns=-\r\nc=IN IP4 203.0.113.50\r\nt=0 0\r\n" +
                              "m=audio 30000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n";
        var (_, body) = Rewrite(answer, "192.0.2.10 40000 0", isReply: true);
        body.ShouldBe("v=0\r\no=bob 1 1 IN IP4 203.0.113.50\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
                      "m=audio 40000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n");
    }

    [Fact]
    public void Rtcp_attribute_gets_port_plus_one_and_the_relay_address()
    {
        const string sdp = "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP4 10.0.0.5\r\n";
        var (_, body) = Rewrite(sdp, "192.0.2.10 40002");
        body.ShouldEndWith("m=audio 40002 RTP/AVP 0\r\na=rtcp:40003 IN IP4 192.0.2.10\r\n");
    }

    [Fact]
    public void Hold_address_is_left_as_it_is()
    {
        const string sdp = "v=0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=sendonly\r\n";
        var (_, body) = Rewrite(sdp, "192.0.2.10 40000");
        body.ShouldBe("v=0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=sendonly\r\n");
    }

    [Fact]
    public void Stream_level_addresses_are_replaced()
    {
        const string sdp = "v=0\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.5\r\nm=video 4002 RTP/AVP 31\r\nc=IN IP4 10.0.0.6\r\n";
        var (_, body) = Rewrite(sdp, "192.0.2.10 40002 40006");
        body.ShouldBe("v=0\r\ns=-\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\nc=IN IP4 192.0.2.10\r\nm=video 40006 RTP/AVP 31\r\nc=IN IP4 192.0.2.10\r\n");
    }

    [Fact]
    public void Unsupported_transport_moves_the_session_address_into_each_stream()
    {
        const string sdp = "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nm=message 7394 TCP/MSRP *\r\n";
        var body = Encoding.ASCII.GetBytes(sdp);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        index!.SupportedCount.ShouldBe(1);
        var (_, rewritten) = Rewrite(sdp, "192.0.2.10 40002");
        rewritten.ShouldBe("v=0\r\ns=-\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\nc=IN IP4 192.0.2.10\r\nm=message 7394 TCP/MSRP *\r\nc=IN IP4 10.0.0.5\r\n");
    }

    [Fact]
    public void A_request_needs_a_port_for_every_supported_stream()
    {
        var (result, body) = Rewrite(AliceOffer, "192.0.2.10 40002");
        result.ShouldBe(SdpRewriteResult.InsufficientPorts);
        body.ShouldBe(AliceOffer);
    }

    [Fact]
    public void A_reply_with_extra_streams_is_rewritten_as_far_as_the_ports_go()
    {
        var (result, body) = Rewrite(AliceOffer, "192.0.2.10 40000", isReply: true);
        result.ShouldBe(SdpRewriteResult.RewrittenWithExtraStreams);
        body.ShouldContain("m=audio 40000 ");
        body.ShouldContain("m=video 8002 ");
    }

    [Fact]
    public void Relay_error_leaves_the_body_alone()
    {
        var (result, body) = Rewrite(AliceOffer, "error");
        result.ShouldBe(SdpRewriteResult.RelayError);
        body.ShouldBe(AliceOffer);
    }

    [Fact]
    public void Ice_offer_gets_relay_candidates_before_its_first_candidate()
    {
        const string sdp = "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef0123\r\n" +
                           "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 2130706431 10.0.0.5 4000 typ host\r\n" +
                           "a=candidate:1 2 UDP 2130706430 10.0.0.5 4001 typ host\r\n";
        var body = Encoding.ASCII.GetBytes(sdp);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        index!.ToMediaStreams(body)[0].Ice.ShouldBe(true);

        var (_, rewritten) = Rewrite(sdp, "192.0.2.10 40002", icePriority: 16777215);
        // 192.0.2.10 read as a little-endian word is 0x0a0200c0.
        rewritten.ShouldContain(
            "m=audio 40002 RTP/AVP 0\r\n" +
            "a=candidate:Ra0200c0 1 UDP 16777215 192.0.2.10 40002 typ relay\r\n" +
            "a=candidate:Ra0200c0 2 UDP 16777214 192.0.2.10 40003 typ relay\r\n" +
            "a=candidate:1 1 UDP 2130706431 10.0.0.5 4000 typ host\r\n");
    }

    [Fact]
    public void Ice_candidate_priority_follows_rfc_8445()
    {
        // (2^24)*126 + (2^8)*65535 + (256 - 1) = 2130706431, the usual host candidate priority.
        SdpRewriter.IceCandidatePriority(126).ShouldBe(2130706431u);
        SdpRewriter.IceCandidatePriority(130).ShouldBe(SdpRewriter.HighIceCandidatePriority);
        SdpRewriter.IceCandidatePriority(0).ShouldBe(SdpRewriter.LowIceCandidatePriority);
    }

    [Fact]
    public void Ice_needs_both_credentials_and_candidates()
    {
        const string onlyUfrag = "v=0\r\nc=IN IP4 10.0.0.5\r\na=ice-ufrag:abcd\r\nm=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.5 4000 typ host\r\n";
        var body = Encoding.ASCII.GetBytes(onlyUfrag);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        index!.ToMediaStreams(body)[0].Ice.ShouldBe(false);

        const string streamLevel = "v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 4000 RTP/AVP 0\r\na=ice-pwd:0123456789abcdef0123\r\na=ice-ufrag:abcd\r\n" +
                                   "a=candidate:1 1 UDP 1 10.0.0.5 4000 typ host\r\nm=video 4002 RTP/AVP 31\r\na=candidate:1 1 UDP 1 10.0.0.5 4002 typ host\r\n";
        body = Encoding.ASCII.GetBytes(streamLevel);
        SdpIndex.TryParse(body, out index).ShouldBe(SdpParseError.None);
        index!.ToMediaStreams(body).Select(m => m.Ice).ShouldBe([true, false]);
    }

    [Fact]
    public void Direction_attributes_are_matched_without_regard_to_case_and_remote_candidates_are_noticed()
    {
        const string sdp = "v=0\r\nc=IN IP4 10.0.0.5\r\na=SendOnly\r\nm=audio 4000 RTP/AVP 0\r\na=remote-candidates:1 10.0.0.9 5000\r\n";
        var body = Encoding.ASCII.GetBytes(sdp);
        SdpIndex.TryParse(body, out var index).ShouldBe(SdpParseError.None);
        index!.ToMediaStreams(body)[0].Direction.ShouldBe(MediaDirection.SendOnly);
        index.HasRemoteCandidates.ShouldBeTrue();
    }

    [Fact]
    public void Bodies_with_bare_line_feeds_keep_their_line_ending()
    {
        const string sdp = "v=0\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\nm=message 7394 TCP/MSRP *\nc=IN IP4 10.0.0.9\n";
        var (_, body) = Rewrite(sdp.Replace("t=0 0\n", "c=IN IP4 10.0.0.5\nt=0 0\n", StringComparison.Ordinal), "192.0.2.10 40002");
        body.ShouldBe("v=0\ns=-\nt=0 0\nm=audio 40002 RTP/AVP 0\nc=IN IP4 192.0.2.10\nm=message 7394 TCP/MSRP *\nc=IN IP4 10.0.0.9\n");
    }

    [Theory]
    [InlineData("v=0\r\nm=audio 4000 RTP/AVP 0\r\n", SdpParseError.MissingConnectionAddress)]
    [InlineData("v=0\r\nc=IN IP4 224.2.1.1/127\r\nm=audio 4000 RTP/AVP 0\r\n", SdpParseError.MulticastAddress)]
    [InlineData("v=0\r\nc=IN IP6 2001:db8::1\r\nm=audio 4000 RTP/AVP 0\r\n", SdpParseError.NotIPv4)]
    [InlineData("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000/2 RTP/AVP 0\r\n", SdpParseError.UnsupportedPortCount)]
    [InlineData("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio\r\n", SdpParseError.MalformedMediaLine)]
    [InlineData("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio x RTP/AVP 0\r\n", SdpParseError.MalformedMediaLine)]
    public void Bodies_the_relay_cannot_serve_are_refused_with_a_reason(string sdp, SdpParseError expected)
    {
        SdpIndex.TryParse(Encoding.ASCII.GetBytes(sdp), out _).ShouldBe(expected);
    }

    [Fact]
    public void Port_count_of_one_is_accepted_and_rewritten_without_the_suffix_kept_apart()
    {
        const string sdp = "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000/1 RTP/AVP 0\r\n";
        var (_, body) = Rewrite(sdp, "192.0.2.10 40002");
        body.ShouldBe("v=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 40002/1 RTP/AVP 0\r\n");
    }
}
