using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class SipUriParserTests
{
    // uri, scheme, user, password, host, port, parameters, headers (null = absent). Examples from RFC 3261 19.1.3 and RFC 3966.
    [Theory]
    [InlineData("sip:alice@atlanta.com", UriScheme.Sip, "alice", null, "atlanta.com", -1, null, null)]
    [InlineData("sip:alice:secretword@atlanta.com;transport=tcp", UriScheme.Sip, "alice", "secretword", "atlanta.com", -1, "transport=tcp", null)]
    [InlineData("sips:alice@atlanta.com?subject=project%20x&priority=urgent", UriScheme.Sips, "alice", null, "atlanta.com", -1, null, "subject=project%20x&priority=urgent")]
    [InlineData("sip:+1-212-555-1212:1234@gateway.com;user=phone", UriScheme.Sip, "+1-212-555-1212", "1234", "gateway.com", -1, "user=phone", null)]
    [InlineData("sip:alice@192.0.2.4", UriScheme.Sip, "alice", null, "192.0.2.4", -1, null, null)]
    [InlineData("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", UriScheme.Sip, null, null, "atlanta.com", -1, "method=REGISTER", "to=alice%40atlanta.com")]
    [InlineData("sip:alice;day=tuesday@atlanta.com", UriScheme.Sip, "alice;day=tuesday", null, "atlanta.com", -1, null, null)]
    [InlineData("sip:[2001:db8::10]:5070;transport=udp", UriScheme.Sip, null, null, "[2001:db8::10]", 5070, "transport=udp", null)]
    [InlineData("sip:[::ffff:192.0.2.1]", UriScheme.Sip, null, null, "[::ffff:192.0.2.1]", -1, null, null)]
    [InlineData("SIP:Bob@Biloxi.COM:5060", UriScheme.Sip, "Bob", null, "Biloxi.COM", 5060, null, null)]
    [InlineData("sip:proxy.example.com;lr", UriScheme.Sip, null, null, "proxy.example.com", -1, "lr", null)]
    [InlineData("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", UriScheme.Sip, "cal%6Cer", null, "host5.example.net", -1, "%6C%72;n%61me=v%61lue%25%34%31", null)]
    [InlineData("tel:+1-201-555-0123", UriScheme.Tel, "+1-201-555-0123", null, null, -1, null, null)]
    [InlineData("tel:7042;phone-context=example.com", UriScheme.Tel, "7042", null, null, -1, "phone-context=example.com", null)]
    public void Valid_uri(string text, UriScheme scheme, string? user, string? password, string? host, int port, string? parameters, string? headers)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        SipUriParser.TryParse(bytes, 0, bytes.Length, out SipUri uri).ShouldBeTrue();

        uri.Scheme.ShouldBe(scheme);
        Read(bytes, uri.User).ShouldBe(user);
        Read(bytes, uri.Password).ShouldBe(password);
        Read(bytes, uri.Host).ShouldBe(host);
        uri.Port.ShouldBe(port);
        Read(bytes, uri.Parameters).ShouldBe(parameters);
        Read(bytes, uri.Headers).ShouldBe(headers);
    }

    [Fact]
    public void Other_schemes_are_kept_opaque()
    {
        byte[] bytes = "urn:service:sos"u8.ToArray();

        SipUriParser.TryParse(bytes, 0, bytes.Length, out SipUri uri).ShouldBeTrue();

        uri.Scheme.ShouldBe(UriScheme.Other);
        Read(bytes, uri.SchemeName).ShouldBe("urn");
        Read(bytes, uri.Whole).ShouldBe("urn:service:sos");
    }

    [Theory]
    [InlineData("sip:", "no host")]
    [InlineData("sip:@example.com", "user part is empty")]
    [InlineData("sip:alice@", "host is empty after @")]
    [InlineData("sip:alice@example.com:99999", "port above 65535")]
    [InlineData("sip:alice@example.com:", "colon without a port")]
    [InlineData("sip:alice@example.com:50a", "port is not all digits")]
    [InlineData("sip:alice@[2001:db8::10", "IPv6 reference without its closing bracket")]
    [InlineData("sip:alice@[zz::1]", "IPv6 reference with non-hex characters")]
    [InlineData("sip:alice@[]", "empty IPv6 reference")]
    [InlineData("sip:al ice@example.com", "space in the user part")]
    [InlineData("sip:alice@exa_mple.com", "underscore is not a hostname character")]
    [InlineData("sip:alice%4@example.com", "truncated % escape")]
    [InlineData("sip:alice%zz@example.com", "% not followed by two hex digits")]
    [InlineData("sip:alice@example.com;=x", "parameter without a name")]
    [InlineData("sip:alice@example.com;lr=", "parameter with = but no value")]
    [InlineData("sip:alice@example.com;a b", "space inside a parameter")]
    [InlineData("sip:alice@example.com?subject", "URI header without =")]
    [InlineData("sip:alice@example.com?=x", "URI header without a name")]
    [InlineData("1sip:alice@example.com", "scheme must begin with a letter")]
    [InlineData("sipalice@example.com", "no scheme separator")]
    [InlineData("<sip:alice@example.com>", "angle brackets are not part of a URI")]
    [InlineData("tel:", "tel URI without a number")]
    [InlineData("urn:a b", "space inside an opaque URI")]
    [InlineData("", "empty")]
    public void Invalid_uri(string text, string reason)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        SipUriParser.TryParse(bytes, 0, bytes.Length, out _).ShouldBeFalse(reason);
    }

    private static string? Read(byte[] bytes, TextRange range) =>
        range.IsPresent ? Encoding.ASCII.GetString(range.Of(bytes)) : null;
}
