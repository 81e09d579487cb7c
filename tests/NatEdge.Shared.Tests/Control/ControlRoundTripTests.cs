using System.Buffers;
using System.Text;
using NatEdge.Shared.Control;

namespace NatEdge.Shared.Tests.Control;

public class ControlRoundTripTests
{
    private static ControlRequest Decode(string text)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        new ControlRequestReader().TryRead(ref buffer, out var request, out var error).ShouldBe(ControlReadResult.Request, error.ToString());
        return request!;
    }

    private static string Encode(ControlRequest request, bool writeEmptyHeaders)
    {
        var output = new ArrayBufferWriter<byte>();
        ControlRequestWriter.Write(request, output, writeEmptyHeaders).ShouldBe(ControlProtocolError.None);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Module_offer_round_trips_byte_for_byte_with_the_modules_empty_lines()
    {
        Encode(Decode(WorkedExchanges.ModuleOffer), writeEmptyHeaders: true).ShouldBe(WorkedExchanges.ModuleOffer);
    }

    [Fact]
    public void Dispatcher_forwards_the_module_offer_as_the_relay_form_of_section_6_1()
    {
        var module = Decode(WorkedExchanges.ModuleOffer);
        var forwarded = new ControlRequest
        {
            Command = module.Command, Sequence = 41, Type = module.Type, DialogId = module.DialogId, CallId = module.CallId,
            CSeq = module.CSeq, FromUri = module.FromUri, ToUri = module.ToUri, FromTag = module.FromTag, ToTag = module.ToTag,
            UserAgent = module.UserAgent, SignalingIp = module.SignalingIp, MediaRelay = module.MediaRelay, Media = module.Media,
        };
        Encode(forwarded, writeEmptyHeaders: false).ShouldBe(WorkedExchanges.RelayOffer);
    }

    [Theory]
    [InlineData(WorkedExchanges.RelayOffer)]
    [InlineData(WorkedExchanges.ModuleAnswer)]
    [InlineData(WorkedExchanges.HoldReInvite)]
    [InlineData(WorkedExchanges.Remove)]
    public void Requests_without_empty_lines_round_trip_byte_for_byte(string text)
    {
        Encode(Decode(text), writeEmptyHeaders: false).ShouldBe(text);
    }

    [Theory]
    [InlineData("41 192.0.2.10 40002 40006", true, ControlReplyKind.Media)]    // §6.1 relay → dispatcher
    [InlineData("192.0.2.10 40002 40006", false, ControlReplyKind.Media)]      // §6.1 dispatcher → module
    [InlineData("192.0.2.10 40000 0", false, ControlReplyKind.Media)]          // §6.1 answer, video rejected
    [InlineData("192.0.2.10 40000", false, ControlReplyKind.Media)]            // §6.2 hold
    [InlineData("removed", false, ControlReplyKind.Removed)]                   // §6.3 module
    [InlineData("42 {\"call_id\": \"9f2c1e@192.168.1.20\", \"from_tag\": \"a1b2\", \"streams\": [{\"media_type\": \"audio\", \"status\": \"closed\"}]}", true, ControlReplyKind.Json)] // §6.3 relay
    [InlineData("43 error", true, ControlReplyKind.Error)]                     // §6.4 exhausted
    [InlineData("error", false, ControlReplyKind.Error)]                       // §6.4 module
    [InlineData("44 halting", true, ControlReplyKind.Halting)]                 // §6.4 graceful shutdown
    [InlineData("192.0.2.10", false, ControlReplyKind.Media)]                  // §9 update without media
    [InlineData("ping", true, ControlReplyKind.Ping)]                          // §6.5 relay → dispatcher
    [InlineData("pong", true, ControlReplyKind.Pong)]                          // §6.5 dispatcher → relay
    [InlineData("expired {\"call_id\": \"9f2c1e@192.168.1.20\", \"streams\": []}", true, ControlReplyKind.Expired)] // §3.2
    public void Worked_replies_round_trip(string line, bool withSequence, ControlReplyKind kind)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line + "\r\n"));
        ControlReplyReader.TryRead(ref buffer, withSequence, out var reply).ShouldBeTrue();
        buffer.Length.ShouldBe(0);
        reply.Kind.ShouldBe(kind);
        ControlReplyWriter.ToLine(reply).ShouldBe(line + "\r\n");
    }

    [Fact]
    public void Media_reply_of_section_6_1_gives_the_relay_address_and_ports_in_stream_order()
    {
        var reply = ControlReplyReader.Parse("41 192.0.2.10 40002 40006", withSequence: true);
        reply.Sequence.ShouldBe(41);
        reply.RelayIp.ShouldBe("192.0.2.10");
        reply.Ports.ShouldBe([40002, 40006]);
    }

    [Theory]
    [InlineData("None")]          // the Python relay's quirk (spec §1.6)
    [InlineData("")]
    [InlineData("relay.example 4000")]
    [InlineData("192.0.2.10 port")]
    [InlineData("192.0.2.10 70000")]
    public void Replies_that_are_not_an_address_and_ports_read_as_error(string line)
    {
        ControlReplyReader.Parse(line, withSequence: false).Kind.ShouldBe(ControlReplyKind.Error);
    }

    [Fact]
    public void Every_prefix_of_a_reply_is_incomplete()
    {
        var bytes = Encoding.UTF8.GetBytes("192.0.2.10 40002 40006\r\n");
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            ControlReplyReader.TryRead(ref buffer, false, out _).ShouldBeFalse();
            buffer.Length.ShouldBe(length);
        }
    }

    [Fact]
    public void Remove_is_written_as_the_module_writes_it_when_the_to_tag_is_unknown()
    {
        var request = new ControlRequest { Command = ControlCommand.Remove, CallId = "9f2c1e@192.168.1.20", FromTag = "a1b2" };
        Encode(request, writeEmptyHeaders: true).ShouldBe("remove\r\ncall_id: 9f2c1e@192.168.1.20\r\nfrom_tag: a1b2\r\nto_tag: \r\n\r\n");
        Encode(request, writeEmptyHeaders: false).ShouldBe("remove\r\ncall_id: 9f2c1e@192.168.1.20\r\nfrom_tag: a1b2\r\n\r\n");
    }

    [Fact]
    public void Requests_over_the_module_limit_are_refused()
    {
        var request = new ControlRequest { Command = ControlCommand.Remove, CallId = new string('c', 9000), FromTag = "a" };
        ControlRequestWriter.Write(request, new ArrayBufferWriter<byte>()).ShouldBe(ControlProtocolError.RequestTooLarge);
    }

    [Fact]
    public void Writer_refuses_values_with_line_breaks()
    {
        var request = new ControlRequest { Command = ControlCommand.Remove, CallId = "a\r\nb", FromTag = "f" };
        var output = new ArrayBufferWriter<byte>();
        ControlRequestWriter.Write(request, output).ShouldBe(ControlProtocolError.InvalidValue);
        output.WrittenCount.ShouldBe(0);
    }

    [Fact]
    public void Media_header_ignores_unknown_keys_and_reads_the_asymmetric_extension()
    {
        MediaHeaderCodec.TryParse("audio:10.0.0.1:4000/1:recvonly:foo=bar:asymmetric=yes,image:10.0.0.1:0:inactive", out var streams).ShouldBeTrue();
        streams.ShouldBe(
        [
            new MediaStreamDescription("audio", "10.0.0.1", 4000, MediaDirection.RecvOnly, null, Asymmetric: true),
            new MediaStreamDescription("image", "10.0.0.1", 0, MediaDirection.Inactive),
        ]);
    }
}
