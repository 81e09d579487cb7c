using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class NameAddrParserTests
{
    // value, display name, uri, tag (null = absent). From/To examples of RFC 3261 20.20 and 20.39.
    [Theory]
    [InlineData("Bob <sip:bob@biloxi.com>;tag=a6c85cf", "Bob", "sip:bob@biloxi.com", "a6c85cf")]
    [InlineData("\"Alice Liddell\" <sip:alice@atlanta.com>;tag=1928301774", "Alice Liddell", "sip:alice@atlanta.com", "1928301774")]
    [InlineData("<sip:carol@chicago.com>", null, "sip:carol@chicago.com", null)]
    [InlineData("sip:+12125551212@server.phone2net.com;tag=887s", null, "sip:+12125551212@server.phone2net.com", "887s")]
    [InlineData("Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8", "Anonymous", "sip:c8oqz84zk7z@privacy.org", "hyh8")]
    [InlineData("caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com", "323")]
    [InlineData("The Operator <sip:operator@cs.columbia.edu>;tag=287447", "The Operator", "sip:operator@cs.columbia.edu", "287447")]
    [InlineData("<tel:+1-201-555-0123>", null, "tel:+1-201-555-0123", null)]
    [InlineData("\"\" <sip:empty@example.com>", "", "sip:empty@example.com", null)]
    [InlineData("\"A \\\"quoted\\\" name\" <sip:q@example.com> ; tag = x1", "A \\\"quoted\\\" name", "sip:q@example.com", "x1")]
    [InlineData("isbn:2983792873", null, "isbn:2983792873", null)]
    [InlineData("<http://www.example.com>;tag=3234233", null, "http://www.example.com", "3234233")]
    public void Valid_name_addr(string text, string? displayName, string uri, string? tag)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        NameAddrParser.TryParse(bytes, new TextRange(0, bytes.Length), out SipNameAddr value).ShouldBeTrue();

        Read(bytes, value.DisplayName).ShouldBe(displayName);
        Read(bytes, value.Uri).ShouldBe(uri);
        Read(bytes, value.Tag).ShouldBe(tag);
    }

    [Theory]
    [InlineData("\"Mr. J. User <sip:j.user@example.com>", "unterminated quoted display name (RFC 4475 quotbal)")]
    [InlineData("Watson, Thomas <sip:t.watson@example.org>", "comma in an unquoted display name (RFC 4475 baddn)")]
    [InlineData("\"Watson, Thomas\" < sip:t.watson@example.org >", "LWS inside the angle brackets (RFC 4475 badaspec)")]
    [InlineData("<sip:bob@biloxi.com", "no closing angle bracket")]
    [InlineData("sip:user@example.com?Route=%3Csip:x%3E", "addr-spec with headers must be in angle brackets (RFC 4475 regbadct)")]
    [InlineData("<sip:bob@biloxi.com>;tag", "tag without a value")]
    [InlineData("<sip:bob@biloxi.com>;;", "empty parameter")]
    [InlineData("\"Joe\" <sip:joe@example.org>;;;;", "several empty parameters (RFC 4475 badinv01)")]
    [InlineData("<sip:bob@biloxi.com> junk", "text after the URI that is not a parameter")]
    [InlineData("Bob <>", "empty URI")]
    [InlineData("Bob <sip:>", "URI without a host")]
    [InlineData("\"Bob\" sip:bob@biloxi.com", "quoted display name without angle brackets")]
    [InlineData("", "empty value")]
    [InlineData("*", "a wildcard is only a Contact value")]
    public void Invalid_name_addr(string text, string reason)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        NameAddrParser.TryParse(bytes, new TextRange(0, bytes.Length), out _).ShouldBeFalse(reason);
    }

    [Theory]
    [InlineData("*", true, -1, -1)]
    [InlineData("<sip:a@b.example.com>;expires=3600;q=0.7", false, 3600, 700)]
    [InlineData("<sip:a@b.example.com>;q=1", false, -1, 1000)]
    [InlineData("sip:a@b.example.com;expires=0", false, 0, -1)]
    [InlineData("<sip:a@b.example.com>;expires=99999999999999", false, -1, -1)]
    public void Contact_values(string text, bool wildcard, long expires, int quality)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        NameAddrParser.TryParseContact(bytes, new TextRange(0, bytes.Length), out SipNameAddr contact).ShouldBeTrue();

        contact.IsWildcard.ShouldBe(wildcard);
        contact.Expires.ShouldBe(expires);
        contact.QualityThousandths.ShouldBe(quality);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.5", 500)]
    [InlineData("0.333", 333)]
    [InlineData("1.000", 1000)]
    [InlineData("1.5", -1)]
    [InlineData("0.1234", -1)]
    [InlineData("2", -1)]
    [InlineData("", -1)]
    public void Quality_values(string text, int thousandths) =>
        NameAddrParser.ParseQuality(Encoding.ASCII.GetBytes(text)).ShouldBe(thousandths);

    [Fact]
    public void Contact_list_splits_at_commas_outside_quotes_and_brackets()
    {
        SipMessage message = SipText.Parse("""
            REGISTER sip:registrar.example.com SIP/2.0
            Contact: "Doe, John" <sip:john,doe@a.example.com>, <sip:john@b.example.com>;q=0.5
            m: sip:john@c.example.com
            Content-Length: 0


            """);

        var uris = new List<string>();
        foreach (SipNameAddr contact in message.GetContacts())
        {
            uris.Add(message.Str(contact.Uri));
        }

        uris.ShouldBe(["sip:john,doe@a.example.com", "sip:john@b.example.com", "sip:john@c.example.com"]);
    }

    private static string? Read(byte[] bytes, TextRange range) =>
        range.IsPresent ? Encoding.UTF8.GetString(range.Of(bytes)) : null;
}
