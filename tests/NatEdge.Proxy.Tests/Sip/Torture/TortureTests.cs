using System.Buffers;
using System.Text;
using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Tests.Sip.Torture;

/// <summary>RFC 4475 in full: every message of sections 3.1.1 to 3.4, none skipped.</summary>
public class TortureTests
{
    public static TheoryData<string> ValidMessages => TortureCorpus.Names(c => c.Expected == "valid");

    public static TheoryData<string> OtherMessages => TortureCorpus.Names(c => c.Expected != "valid");

    [Fact]
    public void Corpus_holds_every_message_of_sections_3_1_to_3_4()
    {
        TortureCorpus.All.Count.ShouldBe(49);
        TortureCorpus.All.Count(c => c.Section.StartsWith("3.1.1.", StringComparison.Ordinal)).ShouldBe(13);
        TortureCorpus.All.Count(c => c.Section.StartsWith("3.1.2.", StringComparison.Ordinal)).ShouldBe(19);
        TortureCorpus.All.Count(c => c.Section.StartsWith("3.2.", StringComparison.Ordinal)).ShouldBe(1);
        TortureCorpus.All.Count(c => c.Section.StartsWith("3.3.", StringComparison.Ordinal)).ShouldBe(15);
        TortureCorpus.All.Count(c => c.Section.StartsWith("3.4.", StringComparison.Ordinal)).ShouldBe(1);
        foreach (TortureCase c in TortureCorpus.All)
        {
            File.Exists(TortureCorpus.PathOf(c.Name)).ShouldBeTrue(c.Name);
        }
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Valid_message_parses_validates_and_round_trips_byte_for_byte(string name)
    {
        byte[] bytes = TortureCorpus.Get(name).Bytes;

        SipMessageParser.TryParse(bytes, out SipMessage? message, out SipParseError error).ShouldBe(SipParseStatus.Ok, error.ToString());
        SipRequestValidator.Default.Validate(message!).ShouldBe(SipParseError.None);

        byte[] written = new byte[SipMessageWriter.GetLength(message!)];
        SipMessageWriter.Write(message!, written).ShouldBe(written.Length);
        written.ShouldBe(message!.Data.ToArray());
        bytes.AsSpan(0, written.Length).SequenceEqual(written).ShouldBeTrue();
        if (name != "dblreq")
        {
            written.Length.ShouldBe(bytes.Length);
        }
    }

    [Theory]
    [MemberData(nameof(OtherMessages))]
    public void Message_gets_the_answer_the_rfc_owes_it(string name)
    {
        TortureCase torture = TortureCorpus.Get(name);

        SipMessageParser.TryParse(torture.Bytes, out SipMessage? message, out SipParseError parseError);

        message.ShouldNotBeNull($"{name}: {parseError} left nothing to answer");
        SipParseError error = SipRequestValidator.Default.Validate(message);
        SipErrorAnswer answer = SipParseErrors.GetAnswer(error, message.IsRequest);
        switch (torture.Expected)
        {
            case "forward":
                error.ShouldBe(SipParseError.None, torture.RfcSays);
                break;
            case "drop":
                message.IsResponse.ShouldBeTrue();
                error.ShouldNotBe(SipParseError.None, torture.RfcSays);
                answer.IsSilentDrop.ShouldBeTrue();
                break;
            default:
                answer.StatusCode.ShouldBe(int.Parse(torture.Expected, System.Globalization.CultureInfo.InvariantCulture), $"{error}: {torture.RfcSays}");
                answer.ReasonPhrase.ShouldNotBeEmpty();
                AssertReplyIsWellFormed(message, answer);
                break;
        }
    }

    [Fact]
    public void Bad_extension_reply_lists_the_proxy_require_option_tags()
    {
        SipMessage message = ParseFile("bext01");
        SipRequestValidator.Default.Validate(message).ShouldBe(SipParseError.BadExtension);
        var extra = new ArrayBufferWriter<byte>();

        SipRequestValidator.Default.WriteUnsupportedHeader(message, extra);

        Encoding.ASCII.GetString(extra.WrittenSpan).ShouldBe("Unsupported: noProxiesSupportThis, norDoAnyProxiesSupportThis\r\n");
    }

    [Fact]
    public void A_proxy_that_supports_the_extensions_forwards_bext01()
    {
        var validator = new SipRequestValidator(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]);

        validator.Validate(ParseFile("bext01")).ShouldBe(SipParseError.None);
    }

    [Fact]
    public void Zero_max_forwards_is_processed_when_the_proxy_is_the_destination()
    {
        SipRequestValidator.Default.Validate(ParseFile("zeromf"), forwarding: false).ShouldBe(SipParseError.None);
    }

    internal static SipMessage ParseFile(string name)
    {
        SipMessageParser.TryParse(TortureCorpus.Get(name).Bytes, out SipMessage? message, out _);
        return message.ShouldNotBeNull();
    }

    private static void AssertReplyIsWellFormed(SipMessage request, SipErrorAnswer answer)
    {
        var output = new ArrayBufferWriter<byte>();
        ResponseFactory.Write(output, request, answer.StatusCode, Encoding.ASCII.GetBytes(answer.ReasonPhrase));

        SipMessageParser.TryParse(output.WrittenMemory, out SipMessage? reply, out SipParseError replyError).ShouldBe(SipParseStatus.Ok, replyError.ToString());
        reply!.IsResponse.ShouldBeTrue();
        reply.StatusCode.ShouldBe(answer.StatusCode);
        reply.CountLines(HeaderId.Via).ShouldBe(request.CountLines(HeaderId.Via));
        reply.ContentLength.ShouldBe(0);
    }
}
