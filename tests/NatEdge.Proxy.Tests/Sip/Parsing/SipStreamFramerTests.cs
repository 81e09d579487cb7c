using System.Buffers;
using System.Text;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class SipStreamFramerTests
{
    // RFC 3261 section 24.2 (F1), with a body so the Content-Length boundary is exercised.
    private const string Register =
        "REGISTER sips:ss2.biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TLS client.biloxi.example.com:5061;branch=z9hG4bKnashds7\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: Bob <sips:bob@biloxi.example.com>;tag=a73kszlfl\r\n" +
        "To: Bob <sips:bob@biloxi.example.com>\r\n" +
        "Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        "Contact: <sips:bob@client.biloxi.example.com>\r\n" +
        "Content-Type: text/plain\r\n" +
        "Content-Length: 11\r\n" +
        "\r\n" +
        "hello world";

    private const string Options =
        "OPTIONS sip:proxy.example.net SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:proxy.example.net>\r\n" +
        "From: <sip:alice@example.net>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 63104 OPTIONS\r\n" +
        "l: 0\r\n" +
        "\r\n";

    private static readonly SipStreamFramer Framer = new(65_535);

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.ASCII.GetString(bytes.ToArray());

    [Fact]
    public void Whole_message_is_framed_with_its_content_length_body()
    {
        var frame = Framer.Read(Bytes(Register));

        frame.Status.ShouldBe(StreamFrameStatus.Message);
        Text(frame.Bytes).ShouldBe(Register);
    }

    [Theory]
    [InlineData(Register)]
    [InlineData(Options)]
    public void Every_prefix_of_a_message_is_incomplete_and_consumes_nothing(string message)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, length);
            var frame = Framer.Read(prefix);

            frame.Status.ShouldBe(StreamFrameStatus.Incomplete, $"prefix of {length} bytes");
            prefix.Slice(frame.Consumed).Length.ShouldBe(length, $"prefix of {length} bytes consumed something");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void Messages_split_across_segments_are_framed_whole(int segmentSize)
    {
        var stream = Options + Register + Options;
        var buffer = Segmented(Encoding.ASCII.GetBytes(stream), segmentSize);

        var found = new List<string>();
        while (true)
        {
            var frame = Framer.Read(buffer);
            if (frame.Status != StreamFrameStatus.Message)
            {
                frame.Status.ShouldBe(StreamFrameStatus.Incomplete);
                break;
            }

            found.Add(Text(frame.Bytes));
            buffer = buffer.Slice(frame.Consumed);
        }

        found.ShouldBe([Options, Register, Options]);
        buffer.Length.ShouldBe(0);
    }

    [Fact]
    public async Task Messages_arriving_through_a_pipe_in_small_writes_are_framed_whole()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var bytes = Encoding.ASCII.GetBytes(Register + "\r\n\r\n" + Options);
        var found = new List<string>();
        var pings = 0;
        for (var offset = 0; offset < bytes.Length; offset += 5)
        {
            pipe.Writer.Write(bytes.AsSpan(offset, Math.Min(5, bytes.Length - offset)));
            await pipe.Writer.FlushAsync();
            pipe.Reader.TryRead(out var result).ShouldBeTrue();
            var buffer = result.Buffer;
            while (true)
            {
                var frame = Framer.Read(buffer);
                if (frame.Status == StreamFrameStatus.Message)
                {
                    found.Add(Text(frame.Bytes));
                }
                else if (frame.Status == StreamFrameStatus.KeepAlivePing)
                {
                    pings++;
                }
                else
                {
                    frame.Status.ShouldBe(StreamFrameStatus.Incomplete);
                    pipe.Reader.AdvanceTo(frame.Consumed, buffer.End);
                    break;
                }

                buffer = buffer.Slice(frame.Consumed);
            }
        }

        found.ShouldBe([Register, Options]);
        pings.ShouldBe(1);
    }

    [Fact]
    public void Double_crlf_between_messages_is_a_keepalive_ping()
    {
        // RFC 5626 section 4.4.1: the client sends CRLFCRLF, the server answers CRLF.
        var buffer = Bytes("\r\n\r\n" + Options);
        var frame = Framer.Read(buffer);

        frame.Status.ShouldBe(StreamFrameStatus.KeepAlivePing);
        Text(buffer.Slice(frame.Consumed)).ShouldBe(Options);
    }

    [Fact]
    public void Single_crlf_before_a_start_line_is_skipped()
    {
        // RFC 3261 section 7.5: CRLFs before the start line are ignored on streams.
        var frame = Framer.Read(Bytes("\r\n" + Options));

        frame.Status.ShouldBe(StreamFrameStatus.Message);
        Text(frame.Bytes).ShouldBe(Options);
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\r\n\r")]
    public void A_partial_ping_waits_for_more(string partial)
    {
        Framer.Read(Bytes(partial)).Status.ShouldBe(StreamFrameStatus.Incomplete);
    }

    [Fact]
    public void Missing_content_length_is_a_framing_error_with_the_header_section()
    {
        // RFC 3261 section 18.3: Content-Length MUST be used with stream transports.
        var message = Options.Replace("l: 0\r\n", string.Empty, StringComparison.Ordinal);
        var frame = Framer.Read(Bytes(message));

        frame.Status.ShouldBe(StreamFrameStatus.Error);
        frame.Error.ShouldBe(StreamFramingError.MissingContentLength);
        Text(frame.Bytes).ShouldBe(message);
    }

    [Theory]
    [InlineData("Content-Length: ten\r\n", "not a number")]
    [InlineData("Content-Length: -1\r\n", "negative")]
    [InlineData("Content-Length: 0\r\nContent-Length: 4\r\n", "two values that disagree")]
    [InlineData("Content-Length:\r\n", "empty value")]
    public void Bad_content_length_is_a_framing_error(string header, string reason)
    {
        var message = Options.Replace("l: 0\r\n", header, StringComparison.Ordinal);

        var frame = Framer.Read(Bytes(message));

        frame.Status.ShouldBe(StreamFrameStatus.Error, reason);
        frame.Error.ShouldBe(StreamFramingError.InvalidContentLength, reason);
    }

    [Theory]
    [InlineData("content-length: 0\r\n")]
    [InlineData("CONTENT-LENGTH  :  0\r\n")]
    [InlineData("L:0\r\n")]
    [InlineData("Content-Length:\r\n 0\r\n")]
    public void Content_length_is_found_in_any_case_compact_form_and_folded(string header)
    {
        var message = Options.Replace("l: 0\r\n", header, StringComparison.Ordinal);

        var frame = Framer.Read(Bytes(message));

        frame.Status.ShouldBe(StreamFrameStatus.Message);
        Text(frame.Bytes).ShouldBe(message);
    }

    [Fact]
    public void Announced_body_over_the_limit_is_refused_before_it_arrives()
    {
        var message = Register.Replace("Content-Length: 11", "Content-Length: 10485760", StringComparison.Ordinal);
        var headerSection = message[..(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];

        var frame = Framer.Read(Bytes(headerSection));

        frame.Status.ShouldBe(StreamFrameStatus.Error);
        frame.Error.ShouldBe(StreamFramingError.MessageTooLarge);
        Text(frame.Bytes).ShouldBe(headerSection);
    }

    [Fact]
    public void Header_section_without_end_beyond_the_limit_is_refused()
    {
        var framer = new SipStreamFramer(1024);
        var endless = "OPTIONS sip:a SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-Filler: 0123456789\r\n", 60));

        var frame = framer.Read(Bytes(endless));

        frame.Status.ShouldBe(StreamFrameStatus.Error);
        frame.Error.ShouldBe(StreamFramingError.HeaderSectionTooLarge);
    }

    [Fact]
    public void Header_section_under_the_limit_without_end_is_incomplete()
    {
        var framer = new SipStreamFramer(1024);
        var partial = "OPTIONS sip:a SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-Filler: 0123456789\r\n", 10));

        framer.Read(Bytes(partial)).Status.ShouldBe(StreamFrameStatus.Incomplete);
    }

    [Fact]
    public void Message_exactly_at_the_limit_is_accepted()
    {
        var bytes = Encoding.ASCII.GetBytes(Register);
        var framer = new SipStreamFramer(bytes.Length);

        framer.Read(new ReadOnlySequence<byte>(bytes)).Status.ShouldBe(StreamFrameStatus.Message);
        new SipStreamFramer(bytes.Length - 1).Read(new ReadOnlySequence<byte>(bytes)).Error.ShouldBe(StreamFramingError.MessageTooLarge);
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        BufferSegment? first = null;
        BufferSegment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            if (first is null)
            {
                first = last = new BufferSegment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class BufferSegment : ReadOnlySequenceSegment<byte>
    {
        public BufferSegment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public BufferSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new BufferSegment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
