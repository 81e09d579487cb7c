using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Fuzz;

/// <summary>Inputs the mutation run found mishandled, with their bytes inline.</summary>
public class ParserFuzzRegressionTests
{
    /// <summary>
    /// Found with seed 4475 (mutation 5530 of wsinv): a header line without a colon after a valid
    /// Content-Length. On a stream the faulty message used to be cut at the end of the first buffer
    /// segment instead of at its declared length, so the rest of its body would have been read as
    /// the next message.
    /// </summary>
    [Fact]
    public void Faulty_headers_on_a_stream_still_wait_for_the_declared_body()
    {
        byte[] input = "INVITE sip:a@example.com SIP/2.0\r\nContent-Length: 10\r\nNoColonHere ; q = 0.33\r\n\r\n0123456789NEXT"u8.ToArray();
        int messageLength = input.Length - "NEXT".Length;

        SipMessageParser.TryParse(input.AsMemory(0, messageLength - 1), SipFraming.Stream, SipParserLimits.Default, out _, out _, out int waiting)
            .ShouldBe(SipParseStatus.Incomplete);
        waiting.ShouldBe(0);

        SipMessageParser.TryParse(input, SipFraming.Stream, SipParserLimits.Default, out SipMessage? whole, out SipParseError error, out int consumed)
            .ShouldBe(SipParseStatus.Invalid);
        error.ShouldBe(SipParseError.MalformedHeaderLine);
        consumed.ShouldBe(messageLength);

        int split = messageLength - 5;
        SipMessageParser.TryParse(
            Segments.Create(input.AsMemory(0, split), input.AsMemory(split)),
            SipFraming.Stream,
            SipParserLimits.Default,
            out SipMessage? segmented,
            out _,
            out int segmentedConsumed).ShouldBe(SipParseStatus.Invalid);
        segmentedConsumed.ShouldBe(messageLength);
        segmented!.Body.Length.ShouldBe(whole!.Body.Length);
    }

    /// <summary>Found while fixing the case above: with three Content-Length lines the third one was taken as the length.</summary>
    [Fact]
    public void Repeated_content_length_is_never_used_for_framing()
    {
        byte[] input = "MESSAGE sip:a@example.com SIP/2.0\r\nl: 2\r\nContent-Length: 4\r\nContent-Length: 2\r\n\r\nabcd"u8.ToArray();

        SipMessageParser.TryParse(input, out SipMessage? message, out SipParseError error).ShouldBe(SipParseStatus.Invalid);

        error.ShouldBe(SipParseError.ConflictingContentLength);
        message!.ContentLength.ShouldBe(-1);
        message.Body.Length.ShouldBe(4);
    }
}
