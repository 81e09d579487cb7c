using System.Buffers;
using System.Text;
using NatEdge.Shared.Control;

namespace NatEdge.Shared.Tests.Control;

public class ControlRequestReaderTests
{
    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static ControlRequest ReadOne(string text)
    {
        var buffer = Bytes(text);
        var result = new ControlRequestReader().TryRead(ref buffer, out var request, out var error);
        result.ShouldBe(ControlReadResult.Request, error.ToString());
        buffer.Length.ShouldBe(0);
        return request!;
    }

    [Fact]
    public void Module_offer_of_section_6_1_decodes_with_empty_headers_dropped()
    {
        var request = ReadOne(WorkedExchanges.ModuleOffer);

        request.Command.ShouldBe(ControlCommand.Update);
        request.Sequence.ShouldBeNull();
        request.Type.ShouldBe(SdpMessageType.Request);
        request.DialogId.ShouldBe("3012:77");
        request.CallId.ShouldBe("9f2c1e@192.168.1.20");
        request.CSeq.ShouldBe(1);
        request.FromUri.ShouldBe("alice@example.net");
        request.ToUri.ShouldBe("bob@example.net");
        request.FromTag.ShouldBe("a1b2");
        request.ToTag.ShouldBeNull();
        request.MediaRelay.ShouldBeNull();
        request.UserAgent.ShouldBe("DemoPhone 1.0");
        request.SignalingIp.ShouldBe("198.51.100.7");
        request.Media.ShouldBe(
        [
            new MediaStreamDescription("audio", "192.168.1.20", 8000, MediaDirection.SendRecv, false),
            new MediaStreamDescription("video", "192.168.1.20", 8002, MediaDirection.SendRecv, false),
        ]);
        request.CheckMandatoryHeaders().ShouldBe(ControlProtocolError.None);
    }

    [Fact]
    public void Relay_form_of_section_6_1_carries_the_sequence_number()
    {
        var request = ReadOne(WorkedExchanges.RelayOffer);
        request.Sequence.ShouldBe(41);
        request.Command.ShouldBe(ControlCommand.Update);
        request.Media!.Count.ShouldBe(2);
    }

    [Fact]
    public void Hold_re_invite_of_section_6_2_is_sendonly_from_the_callee()
    {
        var request = ReadOne(WorkedExchanges.HoldReInvite);
        request.CSeq.ShouldBe(7);
        request.FromTag.ShouldBe("b9z");
        request.ToTag.ShouldBe("a1b2");
        request.Media.ShouldBe([new MediaStreamDescription("audio", "203.0.113.50", 30000, MediaDirection.SendOnly, false)]);
    }

    [Fact]
    public void Remove_of_section_6_3_has_call_id_and_both_tags()
    {
        var request = ReadOne(WorkedExchanges.Remove);
        request.Command.ShouldBe(ControlCommand.Remove);
        request.CallId.ShouldBe("9f2c1e@192.168.1.20");
        request.FromTag.ShouldBe("a1b2");
        request.ToTag.ShouldBe("b9z");
    }

    [Theory]
    [MemberData(nameof(WorkedExchanges.Requests), MemberType = typeof(WorkedExchanges))]
    public void Every_prefix_of_a_request_is_incomplete_and_consumes_nothing(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new ControlRequestReader();
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            reader.TryRead(ref buffer, out var request, out _).ShouldBe(ControlReadResult.Incomplete, $"prefix of {length} bytes");
            request.ShouldBeNull();
            buffer.Length.ShouldBe(length);
        }
    }

    [Theory]
    [MemberData(nameof(WorkedExchanges.Requests), MemberType = typeof(WorkedExchanges))]
    public void A_request_split_across_segments_decodes_like_a_contiguous_one(string text)
    {
        var expected = ReadOne(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var size in new[] { 1, 2, 3, 5, 7, 13 })
        {
            var buffer = Segments.Split(bytes, size);
            new ControlRequestReader().TryRead(ref buffer, out var request, out _).ShouldBe(ControlReadResult.Request, $"segments of {size}");
            buffer.Length.ShouldBe(0);
            request.ShouldBeEquivalentTo(expected);
        }
    }

    [Fact]
    public void Pipelined_requests_decode_one_at_a_time_in_order()
    {
        var buffer = Segments.Split(Encoding.UTF8.GetBytes(WorkedExchanges.ModuleOffer + WorkedExchanges.ModuleAnswer + "summary\r\n\r\n"), 11);
        var reader = new ControlRequestReader();
        reader.TryRead(ref buffer, out var first, out _).ShouldBe(ControlReadResult.Request);
        reader.TryRead(ref buffer, out var second, out _).ShouldBe(ControlReadResult.Request);
        reader.TryRead(ref buffer, out var third, out _).ShouldBe(ControlReadResult.Request);
        reader.TryRead(ref buffer, out _, out _).ShouldBe(ControlReadResult.Incomplete);
        first!.Type.ShouldBe(SdpMessageType.Request);
        second!.Type.ShouldBe(SdpMessageType.Reply);
        third!.Command.ShouldBe(ControlCommand.Summary);
    }

    [Theory]
    [InlineData("bogus\r\ncall_id: x\r\n\r\n", ControlProtocolError.UnknownCommand)]                     // not a protocol command
    [InlineData("UPDATE\r\ncall_id: x\r\n\r\n", ControlProtocolError.UnknownCommand)]                    // commands are lower case
    [InlineData("update 4x\r\ncall_id: x\r\n\r\n", ControlProtocolError.MalformedCommandLine)]           // sequence must be decimal
    [InlineData("update 1 2\r\ncall_id: x\r\n\r\n", ControlProtocolError.MalformedCommandLine)]          // at most command and sequence
    [InlineData("update\r\ncall_id x\r\n\r\n", ControlProtocolError.MalformedHeader)]                    // no ': ' separator
    [InlineData("update\r\ncall_id: x\r\n: y\r\n\r\n", ControlProtocolError.MalformedHeader)]            // empty header name
    [InlineData("update\r\ncall_id: x\r\ncseq: one\r\n\r\n", ControlProtocolError.InvalidCSeq)]         // cseq is a number
    [InlineData("update\r\ncall_id: x\r\ncseq: -1\r\n\r\n", ControlProtocolError.InvalidCSeq)]          // and not negative
    [InlineData("update\r\ncall_id: x\r\ntype: maybe\r\n\r\n", ControlProtocolError.InvalidType)]       // request or reply
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:8000\r\n\r\n", ControlProtocolError.InvalidMedia)]          // direction missing
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:port:sendrecv\r\n\r\n", ControlProtocolError.InvalidMedia)] // port not numeric
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:70000:sendrecv\r\n\r\n", ControlProtocolError.InvalidMedia)] // port out of range
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:host.example:8000:sendrecv\r\n\r\n", ControlProtocolError.InvalidMedia)] // not an IPv4 address
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:8000:sideways\r\n\r\n", ControlProtocolError.InvalidMedia)] // unknown direction
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:8000/2:sendrecv\r\n\r\n", ControlProtocolError.InvalidMedia)] // port count other than 1
    [InlineData("update\r\ncall_id: x\r\nmedia: audio:1.2.3.4:8000:sendrecv:ice\r\n\r\n", ControlProtocolError.InvalidMedia)] // attribute without '='
    [InlineData("update\r\nfrom_tag: a\r\n\r\n", ControlProtocolError.MissingCallId)]                   // dispatcher rule
    [InlineData("remove\r\ncall_id: \r\nfrom_tag: a\r\n\r\n", ControlProtocolError.MissingCallId)]      // empty value is dropped
    [InlineData(": \r\n\r\n", ControlProtocolError.EmptyRequest)]                                         // only a dropped line
    public void Garbled_requests_yield_an_error_reason_and_are_consumed(string text, ControlProtocolError expected)
    {
        var buffer = Bytes(text + "summary\r\n\r\n");
        var reader = new ControlRequestReader();
        reader.TryRead(ref buffer, out var request, out var error).ShouldBe(ControlReadResult.Invalid);
        request.ShouldBeNull();
        error.ShouldBe(expected);
        reader.TryRead(ref buffer, out var next, out _).ShouldBe(ControlReadResult.Request, "the next request still decodes");
        next!.Command.ShouldBe(ControlCommand.Summary);
    }

    [Fact]
    public void An_oversized_request_is_answered_once_and_skipped_to_its_end()
    {
        var reader = new ControlRequestReader(64);
        var giant = "update\r\ncall_id: " + new string('x', 300) + "\r\n\r\n";
        var results = new List<ControlReadResult>();
        var pending = new List<byte>();
        foreach (var chunk in Encoding.UTF8.GetBytes(giant + "summary\r\n\r\n").Chunk(40))
        {
            pending.AddRange(chunk);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (true)
            {
                var result = reader.TryRead(ref buffer, out _, out _);
                if (result == ControlReadResult.Incomplete) break;
                results.Add(result);
            }
            pending = [.. buffer.ToArray()];
        }
        results.ShouldBe([ControlReadResult.Invalid, ControlReadResult.Request]);
    }

    [Fact]
    public void Blank_lines_between_requests_are_passed_over()
    {
        var buffer = Bytes("\r\n\r\nsummary\r\n\r\n");
        new ControlRequestReader().TryRead(ref buffer, out var request, out _).ShouldBe(ControlReadResult.Request);
        request!.Command.ShouldBe(ControlCommand.Summary);
    }

    [Fact]
    public void Mandatory_headers_follow_the_relay_rule()
    {
        var update = ReadOne("update\r\ncall_id: c\r\nfrom_tag: f\r\nfrom_uri: a\r\nto_uri: b\r\ncseq: 1\r\nuser_agent: u\r\n\r\n");
        update.CheckMandatoryHeaders().ShouldBe(ControlProtocolError.MissingMandatoryHeader, "type is missing");
        ReadOne("remove\r\ncall_id: c\r\n\r\n").CheckMandatoryHeaders().ShouldBe(ControlProtocolError.MissingMandatoryHeader);
        ReadOne("remove\r\ncall_id: c\r\nfrom_tag: f\r\n\r\n").CheckMandatoryHeaders().ShouldBe(ControlProtocolError.None);
    }

    [Theory]
    [InlineData("update 7\r\nfrom_tag: ft\r\n\r\n", ControlProtocolError.MissingCallId)]
    [InlineData("update 7\r\ncall_id: c\r\ncseq: x\r\n\r\n", ControlProtocolError.InvalidCSeq)]
    [InlineData("frobnicate 7\r\n\r\n", ControlProtocolError.UnknownCommand)]
    public void A_numbered_request_that_does_not_decode_still_gives_its_sequence_number(string text, ControlProtocolError expected)
    {
        var buffer = Bytes(text);

        new ControlRequestReader().TryRead(ref buffer, out var request, out var error, out var sequence).ShouldBe(ControlReadResult.Invalid);

        request.ShouldBeNull();
        error.ShouldBe(expected);
        sequence.ShouldBe(7);
        buffer.Length.ShouldBe(0);
    }
}
