using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class SipMessageParserTests
{
    private const string Headers = "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n";

    [Theory]
    [InlineData("INVITE", SipMethod.Invite)]
    [InlineData("ACK", SipMethod.Ack)]
    [InlineData("OPTIONS", SipMethod.Options)]
    [InlineData("BYE", SipMethod.Bye)]
    [InlineData("CANCEL", SipMethod.Cancel)]
    [InlineData("REGISTER", SipMethod.Register)]
    [InlineData("PRACK", SipMethod.Prack)]
    [InlineData("SUBSCRIBE", SipMethod.Subscribe)]
    [InlineData("NOTIFY", SipMethod.Notify)]
    [InlineData("PUBLISH", SipMethod.Publish)]
    [InlineData("INFO", SipMethod.Info)]
    [InlineData("REFER", SipMethod.Refer)]
    [InlineData("MESSAGE", SipMethod.Message)]
    [InlineData("UPDATE", SipMethod.Update)]
    [InlineData("invite", SipMethod.Extension)]
    [InlineData("REGISTERX", SipMethod.Extension)]
    [InlineData("IN%56ITE", SipMethod.Extension)]
    public void Methods_are_case_sensitive_and_extensions_are_kept(string method, SipMethod expected)
    {
        SipMessageParser.TryParse(Bytes($"{method} sip:a@example.com SIP/2.0\r\n{Headers}"), out SipMessage? message, out _)
            .ShouldBe(SipParseStatus.Ok);

        message!.Method.ShouldBe(expected);
        message.Str(message.MethodName).ShouldBe(method);
    }

    [Theory]
    [InlineData("INVITE sip:a@example.com SIP/2.0", SipParseError.None)]
    [InlineData("INVITE sip:a@example.com sip/2.0", SipParseError.None)]
    [InlineData("INVITE sip:a@example.com SIP/2.1", SipParseError.UnsupportedVersion)]
    [InlineData("INVITE sip:a@example.com SIP/3.0", SipParseError.UnsupportedVersion)]
    [InlineData("INVITE sip:a@example.com HTTP/1.1", SipParseError.MalformedStartLine)]
    [InlineData("INVITE sip:a@example.com SIP/2.0 ", SipParseError.MalformedStartLine)]
    [InlineData("INVITE  sip:a@example.com SIP/2.0", SipParseError.MalformedStartLine)]
    [InlineData("INVITE sip:a@example.com", SipParseError.MalformedStartLine)]
    [InlineData("INVITE", SipParseError.MalformedStartLine)]
    [InlineData(" INVITE sip:a@example.com SIP/2.0", SipParseError.MalformedStartLine)]
    [InlineData("INVITE <sip:a@example.com> SIP/2.0", SipParseError.MalformedRequestUri)]
    [InlineData("INVITE a@example.com SIP/2.0", SipParseError.MalformedRequestUri)]
    [InlineData("SIP/2.0 200 OK", SipParseError.None)]
    [InlineData("SIP/2.0 180", SipParseError.None)]
    [InlineData("SIP/2.0 099 Too Small", SipParseError.MalformedStatusCode)]
    [InlineData("SIP/2.0 700 Too Large", SipParseError.MalformedStatusCode)]
    [InlineData("SIP/2.0 20 Short", SipParseError.MalformedStatusCode)]
    [InlineData("SIP/2.0 2000 Long", SipParseError.MalformedStatusCode)]
    [InlineData("SIP/2.0 OK 200", SipParseError.MalformedStatusCode)]
    [InlineData("SIP/7.0 200 OK", SipParseError.UnsupportedVersion)]
    public void Start_lines(string startLine, SipParseError expected)
    {
        SipMessageParser.TryParse(Bytes($"{startLine}\r\n{Headers}"), out SipMessage? message, out SipParseError error);

        error.ShouldBe(expected);
        message.ShouldNotBeNull();
    }

    [Fact]
    public void Header_names_in_any_case_and_compact_forms_share_one_id()
    {
        SipMessage message = SipText.Parse("""
            OPTIONS sip:a@example.com SIP/2.0
            v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
            VIA: SIP/2.0/UDP b.example.com;branch=z9hG4bK2
            f: <sip:f@example.com>;tag=1
            T: <sip:t@example.com>
            i: abc@example.com
            cSeQ: 1 OPTIONS
            m: <sip:c@example.com>
            L: 0
            c: text/plain
            k: path
            s: hello
            e: gzip
            o: presence
            max-FORWARDS: 70
            X-Custom: kept


            """);

        message.CountLines(HeaderId.Via).ShouldBe(2);
        message.IndexOf(HeaderId.From).ShouldBe(2);
        message.IndexOf(HeaderId.To).ShouldBe(3);
        message.Str(message.CallId).ShouldBe("abc@example.com");
        message.IndexOf(HeaderId.CSeq).ShouldBe(5);
        message.IndexOf(HeaderId.Contact).ShouldBe(6);
        message.ContentLength.ShouldBe(0);
        message.IndexOf(HeaderId.ContentType).ShouldBe(8);
        message.IndexOf(HeaderId.Supported).ShouldBe(9);
        message.IndexOf(HeaderId.Subject).ShouldBe(10);
        message.IndexOf(HeaderId.ContentEncoding).ShouldBe(11);
        message.IndexOf(HeaderId.Event).ShouldBe(12);
        message.IndexOf(HeaderId.MaxForwards).ShouldBe(13);
        message.GetHeader(14).Id.ShouldBe(HeaderId.Unknown);
        message.IndexOf("x-custom"u8).ShouldBe(14);
        message.IndexOf("Call\rID"u8).ShouldBe(-1);
        message.IndexOf(""u8).ShouldBe(-1);
    }

    [Fact]
    public void Folded_value_keeps_its_continuation_lines()
    {
        SipMessage message = SipText.Parse("""
            OPTIONS sip:a@example.com SIP/2.0
            Subject: first
             second
            	third
            Content-Length: 0


            """);

        message.Str(message.GetFirstValue(HeaderId.Subject)).ShouldBe("first\r\n second\r\n\tthird");
        message.HeaderCount.ShouldBe(2);
    }

    [Theory]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nNoColonHere\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\n: empty-name\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\n folded-first: x\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nBad Name: x\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nX: bare\rcr\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nX: bare\nlf\r\n\r\n", SipParseError.MalformedHeaderLine)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: -1\r\n\r\n", SipParseError.InvalidContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: ten\r\n\r\n", SipParseError.InvalidContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 99999999999999999999999\r\n\r\n", SipParseError.InvalidContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 18446744073709551617\r\n\r\nx", SipParseError.InvalidContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 2000000\r\n\r\n", SipParseError.BodyTooLarge)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nl: 0\r\nContent-Length: 0\r\n\r\n", SipParseError.ConflictingContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 5\r\n\r\nabc", SipParseError.BodyShorterThanContentLength)]
    [InlineData("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 0\r\n", SipParseError.MissingHeaderTerminator)]
    [InlineData("\r\n\r\n", SipParseError.EmptyMessage)]
    [InlineData("", SipParseError.EmptyMessage)]
    public void Structural_errors_in_datagrams(string text, SipParseError expected)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out SipParseError error).ShouldBe(SipParseStatus.Invalid);

        error.ShouldBe(expected);
    }

    [Fact]
    public void Too_many_header_lines_are_refused()
    {
        var text = new StringBuilder("OPTIONS sip:a@example.com SIP/2.0\r\n");
        for (int i = 0; i < 300; i++)
        {
            text.Append("X-H: ").Append(i).Append("\r\n");
        }

        text.Append("\r\n");

        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text.ToString()), out _, out SipParseError error);

        error.ShouldBe(SipParseError.TooManyHeaders);
    }

    [Fact]
    public void More_header_lines_than_the_inline_index_holds_are_all_indexed()
    {
        var text = new StringBuilder("OPTIONS sip:a@example.com SIP/2.0\r\n");
        for (int i = 0; i < 100; i++)
        {
            text.Append("Route: <sip:r").Append(i).Append(".example.com;lr>\r\n");
        }

        text.Append("Content-Length: 0\r\n\r\n");

        SipMessage message = SipText.Parse(text.ToString());

        message.HeaderCount.ShouldBe(101);
        message.CountLines(HeaderId.Route).ShouldBe(100);
        message.Str(message.GetHeader(99).Value).ShouldBe("<sip:r99.example.com;lr>");
        message.ContentLength.ShouldBe(0);
    }

    [Fact]
    public void Leading_crlfs_are_skipped_and_counted_as_consumed()
    {
        byte[] bytes = Bytes($"\r\n\r\nOPTIONS sip:a@example.com SIP/2.0\r\n{Headers}");

        SipMessageParser.TryParse(bytes, SipFraming.Stream, SipParserLimits.Default, out SipMessage? message, out _, out int consumed)
            .ShouldBe(SipParseStatus.Ok);

        consumed.ShouldBe(bytes.Length);
        message!.Method.ShouldBe(SipMethod.Options);
    }

    [Fact]
    public void Stream_requires_content_length()
    {
        byte[] bytes = Bytes("OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n");

        SipMessageParser.TryParse(bytes, SipFraming.Stream, SipParserLimits.Default, out _, out SipParseError error, out _)
            .ShouldBe(SipParseStatus.Invalid);

        error.ShouldBe(SipParseError.MissingContentLength);
    }

    [Fact]
    public void Stream_stops_at_content_length_and_leaves_the_next_message()
    {
        string one = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
        byte[] bytes = Bytes(one + one);

        SipMessageParser.TryParse(bytes, SipFraming.Stream, SipParserLimits.Default, out SipMessage? message, out _, out int consumed)
            .ShouldBe(SipParseStatus.Ok);

        consumed.ShouldBe(one.Length);
        SipMessage first = message.ShouldNotBeNull();
        first.Str(first.Body).ShouldBe("hello");
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
