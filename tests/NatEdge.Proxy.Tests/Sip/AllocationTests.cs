using System.Buffers;
using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Tests.Sip.Torture;
using NatEdge.Shared.Buffers;

namespace NatEdge.Proxy.Tests.Sip;

/// <summary>
/// The hot path allocates the SipMessage and nothing else: reading values, validating, stamping,
/// editing with a reused splice list, writing, and building a reply into a reused buffer.
/// </summary>
public class AllocationTests
{
    private static readonly byte[] Invite = TortureCorpus.Get("esc01").Bytes;

    [Fact]
    public void Reading_values_and_validating_allocate_nothing_beyond_the_message()
    {
        Warm();
        long parseOnly = Measure(() => SipMessageParser.TryParse(Invite, out _, out _));

        long everything = Measure(() =>
        {
            SipMessageParser.TryParse(Invite, out SipMessage? message, out _);
            message!.TryGetTopVia(out _);
            message.TryGetFrom(out _);
            message.TryGetTo(out _);
            message.TryGetCSeq(out _);
            message.TryGetRequestUri(out _);
            message.TryGetMaxForwards(out _);
            foreach (SipNameAddr _ in message.GetContacts())
            {
            }

            SipRequestValidator.Default.Validate(message);
        });

        everything.ShouldBe(parseOnly);
        parseOnly.ShouldBeLessThan(2048);
    }

    [Fact]
    public void Proxied_write_and_stateless_reply_allocate_nothing_beyond_the_message()
    {
        var edits = new SpliceList();
        var output = new byte[4096];
        var reply = new ArrayBufferWriter<byte>(4096);
        Warm();
        long parseOnly = Measure(() => SipMessageParser.TryParse(Invite, out _, out _));

        long everything = Measure(() =>
        {
            SipMessageParser.TryParse(Invite, out SipMessage? message, out _);
            message!.UseEdits(edits);
            ViaReceivedStamp.Apply(message, "198.51.100.7"u8, 5070);
            reply.ResetWrittenCount();
            ResponseFactory.Write(reply, message, 100, "Trying"u8);
            SipMessageWriter.PushVia(message, "SIP/2.0/UDP 203.0.113.1;branch=z9hG4bKx"u8);
            SipMessageWriter.InsertRecordRoute(message, "<sip:203.0.113.1;lr>"u8);
            SipMessageWriter.Write(message, output);
        });

        everything.ShouldBe(parseOnly);
    }

    private static void Warm()
    {
        for (int i = 0; i < 100; i++)
        {
            SipMessageParser.TryParse(Invite, out SipMessage? message, out _);
            SipRequestValidator.Default.Validate(message!);
        }
    }

    private static long Measure(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
    }
}
