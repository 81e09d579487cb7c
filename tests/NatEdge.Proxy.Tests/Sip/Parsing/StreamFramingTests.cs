using System.Buffers;
using System.Runtime.InteropServices;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Tests.Sip.Torture;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

/// <summary>
/// The message-level contract a stream framer relies on: every proper prefix of a valid message is
/// Incomplete and consumes nothing; the whole message is Ok; a message split across buffer segments
/// parses the same as in one piece.
/// </summary>
public class StreamFramingTests
{
    public static TheoryData<string> ValidMessages => TortureCorpus.Names(c => c.Expected == "valid");

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Every_prefix_of_a_valid_message_is_incomplete(string name)
    {
        byte[] message = WholeMessage(name);

        for (int length = 0; length < message.Length; length++)
        {
            SipParseStatus status = SipMessageParser.TryParse(
                message.AsMemory(0, length), SipFraming.Stream, SipParserLimits.Default, out _, out _, out int consumed);

            if (status != SipParseStatus.Incomplete || consumed != 0)
            {
                Assert.Fail($"a prefix of {length} bytes gave {status}, consumed {consumed}");
            }
        }

        SipMessageParser.TryParse(message, SipFraming.Stream, SipParserLimits.Default, out _, out _, out int all)
            .ShouldBe(SipParseStatus.Ok);
        all.ShouldBe(message.Length);
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void A_message_split_at_any_point_parses_as_in_one_piece(string name)
    {
        byte[] message = WholeMessage(name);
        SipMessageParser.TryParse(message, SipFraming.Stream, SipParserLimits.Default, out SipMessage? whole, out _, out _);

        for (int split = 1; split < message.Length; split++)
        {
            ReadOnlySequence<byte> sequence = Segments.Create(message.AsMemory(0, split), message.AsMemory(split));

            SipParseStatus status = SipMessageParser.TryParse(
                sequence, SipFraming.Stream, SipParserLimits.Default, out SipMessage? parsed, out _, out int consumed);

            bool same = status == SipParseStatus.Ok && consumed == message.Length
                && parsed!.Data.Span.SequenceEqual(message)
                && parsed.HeaderCount == whole!.HeaderCount && parsed.Body == whole.Body;
            if (!same)
            {
                Assert.Fail($"split at {split} gave {status}, consumed {consumed}");
            }
        }
    }

    [Fact]
    public void A_message_in_one_byte_segments_parses()
    {
        byte[] message = WholeMessage("wsinv");
        ReadOnlySequence<byte> sequence = Segments.Create([.. message.Select((_, i) => message.AsMemory(i, 1))]);

        SipMessageParser.TryParse(sequence, SipFraming.Stream, SipParserLimits.Default, out SipMessage? parsed, out _, out _)
            .ShouldBe(SipParseStatus.Ok);

        parsed!.TryGetCSeq(out SipCSeq cseq).ShouldBeTrue();
        cseq.Number.ShouldBe(9u);
    }

    [Fact]
    public void A_message_inside_the_first_segment_is_not_copied()
    {
        byte[] buffer = [.. WholeMessage("esc01"), .. "INVITE sip:next"u8];
        int split = buffer.Length - 5;
        ReadOnlySequence<byte> sequence = Segments.Create(buffer.AsMemory(0, split), buffer.AsMemory(split));

        SipMessageParser.TryParse(sequence, SipFraming.Stream, SipParserLimits.Default, out SipMessage? parsed, out _, out _)
            .ShouldBe(SipParseStatus.Ok);

        MemoryMarshal.TryGetArray(parsed!.Data, out ArraySegment<byte> segment).ShouldBeTrue();
        segment.Array.ShouldBeSameAs(buffer);
    }

    [Fact]
    public void A_straddling_message_that_is_still_short_is_incomplete()
    {
        byte[] message = WholeMessage("mpart01");
        ReadOnlySequence<byte> sequence = Segments.Create(message.AsMemory(0, 100), message.AsMemory(100, message.Length - 101));

        SipMessageParser.TryParse(sequence, SipFraming.Stream, SipParserLimits.Default, out _, out _, out int consumed)
            .ShouldBe(SipParseStatus.Incomplete);
        consumed.ShouldBe(0);
    }

    private static byte[] WholeMessage(string name) => TortureTests.ParseFile(name).Data.ToArray();
}
