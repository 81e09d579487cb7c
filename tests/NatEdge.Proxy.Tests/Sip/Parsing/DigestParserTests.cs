using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class DigestParserTests
{
    [Fact]
    public void Rfc3261_authorization_example()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(
            "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
            + "uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
            + "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");

        DigestParser.TryParse(bytes, new TextRange(0, bytes.Length), out DigestCredentials c).ShouldBeTrue();

        c.IsDigest.ShouldBeTrue();
        Read(bytes, c.Username).ShouldBe("bob");
        Read(bytes, c.Realm).ShouldBe("biloxi.com");
        Read(bytes, c.Nonce).ShouldBe("dcd98b7102dd2f0e8b11d0f600bfb0c093");
        Read(bytes, c.Uri).ShouldBe("sip:bob@biloxi.com");
        Read(bytes, c.Qop).ShouldBe("auth");
        Read(bytes, c.NonceCount).ShouldBe("00000001");
        Read(bytes, c.Cnonce).ShouldBe("0a4f113b");
        Read(bytes, c.Response).ShouldBe("6629fae49393a05397450978507c4ef1");
        Read(bytes, c.Opaque).ShouldBe("5ccc069c403ebaf9f0171e9517f40e41");
    }

    [Theory]
    [InlineData("Digest username=\"alice\",realm=\"atlanta.com\",nonce=\"84a4cc6f\",response=\"7587\"", "alice", "atlanta.com", null)]
    [InlineData("digest  username = \"a\" ,\r\n realm=\"r\" , algorithm=SHA-256", "a", "r", "SHA-256")]
    [InlineData("Digest username=\"quote\\\"d\", realm=\"r\"", "quote\\\"d", "r", null)]
    public void Valid_digest(string text, string username, string realm, string? algorithm)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        DigestParser.TryParse(bytes, new TextRange(0, bytes.Length), out DigestCredentials c).ShouldBeTrue();

        Read(bytes, c.Username).ShouldBe(username);
        Read(bytes, c.Realm).ShouldBe(realm);
        Read(bytes, c.Algorithm).ShouldBe(algorithm);
    }

    [Fact]
    public void Unknown_scheme_is_carried_not_read()
    {
        byte[] bytes = "NoOneKnowsThisScheme opaque-data=here"u8.ToArray();

        DigestParser.TryParse(bytes, new TextRange(0, bytes.Length), out DigestCredentials c).ShouldBeTrue();

        c.IsDigest.ShouldBeFalse();
        Read(bytes, c.Scheme).ShouldBe("NoOneKnowsThisScheme");
        c.Username.IsPresent.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Digest username=\"bob", "unterminated quoted value")]
    [InlineData("Digest username", "parameter without =")]
    [InlineData("Digest realm=\"a\" nonce=\"b\"", "parameters not separated by a comma")]
    [InlineData("Digest username=", "parameter without a value")]
    [InlineData("Digest ,realm=\"a\"", "empty parameter before the first comma")]
    [InlineData("Digest realm=\"a\",", "trailing comma with no parameter")]
    [InlineData("Digest=x", "no scheme before the parameters")]
    [InlineData("", "empty value")]
    public void Invalid_digest(string text, string reason)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        DigestParser.TryParse(bytes, new TextRange(0, bytes.Length), out _).ShouldBeFalse(reason);
    }

    [Fact]
    public void Credentials_are_read_from_the_message()
    {
        SipMessage message = SipText.Parse("""
            INVITE sip:bob@biloxi.com SIP/2.0
            Proxy-Authorization: Digest username="alice", realm="atlanta.com", nonce="wf84f1ceczx41ae6cbe5aea9c8e88d359", uri="sip:bob@biloxi.com", response="42ce3cef44b22f50c6a6071bc8"
            Content-Length: 0


            """);

        message.TryGetCredentials(message.IndexOf(HeaderId.ProxyAuthorization), out DigestCredentials c).ShouldBeTrue();

        message.Str(c.Username).ShouldBe("alice");
        message.Str(c.Response).ShouldBe("42ce3cef44b22f50c6a6071bc8");
    }

    [Fact]
    public void Credentials_are_found_by_realm()
    {
        SipMessage message = SipText.Parse("""
            INVITE sip:bob@biloxi.com SIP/2.0
            Proxy-Authorization: Digest username="a1", realm="first.example.com", nonce="n1", uri="sip:bob@biloxi.com", response="r1"
            Proxy-Authorization: NoOneKnowsThisScheme opaque-data=here
            Proxy-Authorization: Digest username="a2", realm="second.example.com", nonce="n2", uri="sip:bob@biloxi.com", response="r2"
            Content-Length: 0


            """);

        message.TryFindCredentials(HeaderId.ProxyAuthorization, "SECOND.example.com"u8, out DigestCredentials c, out int index).ShouldBeTrue();

        message.Str(c.Username).ShouldBe("a2");
        index.ShouldBe(2);
        message.TryFindCredentials(HeaderId.ProxyAuthorization, "third.example.com"u8, out _, out _).ShouldBeFalse();
    }

    private static string? Read(byte[] bytes, TextRange range) =>
        range.IsPresent ? Encoding.ASCII.GetString(range.Of(bytes)) : null;
}
