using System.Buffers;
using System.Text;
using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Tests.Sip.Fuzz;

/// <summary>
/// Runs one input through everything a proxy does with received bytes: parse as datagram and as
/// stream, validate, read every lazily parsed value, answer, stamp, edit and write. Any exception
/// escaping from here is a bug.
/// </summary>
internal static class ParserExercise
{
    public static void Run(byte[] input)
    {
        SipMessageParser.TryParse(input, SipFraming.Stream, SipParserLimits.Default, out SipMessage? streamed, out _, out int consumed);
        if (consumed < 0 || consumed > input.Length)
        {
            throw new InvalidOperationException($"consumed {consumed} of {input.Length}");
        }

        if (streamed is not null)
        {
            Use(streamed);
        }

        int split = input.Length / 2;
        SipMessageParser.TryParse(
            Segments.Create(input.AsMemory(0, split), input.AsMemory(split)),
            SipFraming.Stream,
            SipParserLimits.Default,
            out SipMessage? segmented,
            out _,
            out int segmentedConsumed);
        if (segmentedConsumed != consumed || (segmented is null) != (streamed is null))
        {
            throw new InvalidOperationException("a message split in two segments parsed differently");
        }

        SipMessageParser.TryParse(input, out SipMessage? message, out SipParseError error);
        if (message is null)
        {
            SipParseErrors.GetAnswer(error, isRequest: true);
            return;
        }

        Use(message);
    }

    private static void Use(SipMessage message)
    {
        SipParseError verdict = SipRequestValidator.Default.Validate(message);
        SipErrorAnswer answer = SipParseErrors.GetAnswer(verdict, message.IsRequest);

        message.TryGetTopVia(out _);
        message.TryGetFrom(out _);
        message.TryGetTo(out _);
        message.TryGetCSeq(out _);
        message.TryGetRequestUri(out _);
        message.TryGetMaxForwards(out _);
        message.TryGetExpires(out _);
        _ = message[message.CallId];
        foreach (TextRange via in message.GetValues(HeaderId.Via))
        {
            ViaParser.TryParse(message.Span, via, out _);
        }

        foreach (SipNameAddr _ in message.GetContacts())
        {
        }

        foreach (SipNameAddr _ in message.GetNameAddrs(HeaderId.Route))
        {
        }

        for (int i = 0; i < message.HeaderCount; i++)
        {
            message.TryGetCredentials(i, out _);
        }

        ResponseTargets.TryGet(message, out _);
        if (message.IsRequest)
        {
            ViaReceivedStamp.Apply(message, "198.51.100.7"u8, 5070);
            if (!answer.IsSilentDrop)
            {
                var reply = new ArrayBufferWriter<byte>();
                ResponseFactory.Write(reply, message, answer.StatusCode, Encoding.ASCII.GetBytes(answer.ReasonPhrase));
                // The reply copies header lines the indexer accepted, so it must parse in turn.
                if (SipMessageParser.TryParse(reply.WrittenMemory, out _, out SipParseError replyError) != SipParseStatus.Ok)
                {
                    throw new InvalidOperationException($"the {answer.StatusCode} reply does not parse: {replyError}");
                }
            }

            SipMessageWriter.PushVia(message, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKfuzz"u8);
            SipMessageWriter.InsertRecordRoute(message, "<sip:proxy.example.com;lr>"u8);
        }
        else
        {
            SipMessageWriter.PopVia(message);
        }

        var output = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(message, output);
        if (output.WrittenCount != SipMessageWriter.GetLength(message))
        {
            throw new InvalidOperationException("written length differs from the computed length");
        }
    }
}
