using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class ViaParserTests
{
    // value, transport, host, port, branch, received, has rport, rport value (null = absent)
    [Theory]
    [InlineData("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds", SipTransport.Udp, "pc33.atlanta.com", -1, "z9hG4bK776asdhds", null, false, -1)]
    [InlineData("SIP/2.0/TCP client.biloxi.com:5060;branch=z9hG4bKnashds7;received=192.0.2.4", SipTransport.Tcp, "client.biloxi.com", 5060, "z9hG4bKnashds7", "192.0.2.4", false, -1)]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1", SipTransport.Udp, "192.0.2.1", 5060, "z9hG4bK1", null, true, -1)]
    [InlineData("SIP/2.0/UDP 192.0.2.1;rport=5061;received=198.51.100.1", SipTransport.Udp, "192.0.2.1", -1, null, "198.51.100.1", true, 5061)]
    [InlineData("SIP / 2.0 / TLS [2001:db8::9]:5061 ; branch = z9hG4bKx", SipTransport.Tls, "[2001:db8::9]", 5061, "z9hG4bKx", null, false, -1)]
    [InlineData("SIP/2.0/UDP host.example.com : 5070;branch=z9hG4bK1", SipTransport.Udp, "host.example.com", 5070, "z9hG4bK1", null, false, -1)]
    [InlineData("SIP/2.0/UDP erlang.bell-telephone.com:5060;maddr=239.255.255.1;ttl=16", SipTransport.Udp, "erlang.bell-telephone.com", 5060, null, null, false, -1)]
    [InlineData("SIP/2.0/UDP [::1];received=::1;rport=5060", SipTransport.Udp, "[::1]", -1, null, "::1", true, 5060)]
    [InlineData("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf", SipTransport.Wss, "df7jal23ls0d.invalid", -1, "z9hG4bKasudf", null, false, -1)]
    [InlineData("SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf", SipTransport.Sctp, "t2.example.com", -1, "z9hG4bKklasjdhf", null, false, -1)]
    public void Valid_via(string text, SipTransport transport, string host, int port, string? branch, string? received, bool hasRport, int rport)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        ViaParser.TryParse(bytes, new TextRange(0, bytes.Length), out SipVia via).ShouldBeTrue();

        via.Transport.ShouldBe(transport);
        Read(bytes, via.Host).ShouldBe(host);
        via.Port.ShouldBe(port);
        Read(bytes, via.Branch).ShouldBe(branch);
        Read(bytes, via.Received).ShouldBe(received);
        via.HasRport.ShouldBe(hasRport);
        via.RportValue.ShouldBe(rport);
    }

    [Fact]
    public void Maddr_is_read()
    {
        byte[] bytes = "SIP/2.0/UDP erlang.bell-telephone.com:5060;maddr=239.255.255.1;ttl=16"u8.ToArray();

        ViaParser.TryParse(bytes, new TextRange(0, bytes.Length), out SipVia via).ShouldBeTrue();

        Read(bytes, via.Maddr).ShouldBe("239.255.255.1");
    }

    [Theory]
    [InlineData("SIP/2.0 pc33.atlanta.com", "sent-protocol without a transport")]
    [InlineData("SIP/2.0/UDP", "no sent-by")]
    [InlineData("SIP/2.0/UDP ", "only white space where sent-by belongs")]
    [InlineData("SIP/2.0/UDPpc33.atlanta.com", "no LWS between transport and sent-by")]
    [InlineData("SIP//UDP host", "empty protocol version")]
    [InlineData("SIP/2.0/UDP host;;", "empty parameter between semicolons (RFC 4475 badinv01)")]
    [InlineData("SIP/2.0/UDP 192.0.2.15;;", "trailing empty parameters")]
    [InlineData("SIP/2.0/UDP host;branch=", "branch with an empty value")]
    [InlineData("SIP/2.0/UDP host;branch", "branch without a value")]
    [InlineData("SIP/2.0/UDP host;received=", "received with an empty value")]
    [InlineData("SIP/2.0/UDP host:70000", "port above 65535")]
    [InlineData("SIP/2.0/UDP host;rport=abc", "rport that is not a number")]
    [InlineData("SIP/2.0/UDP [::1", "IPv6 reference without its closing bracket")]
    [InlineData("SIP/2.0/UDP host junk", "text after sent-by that is not a parameter")]
    [InlineData("", "empty value")]
    public void Invalid_via(string text, string reason)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);

        ViaParser.TryParse(bytes, new TextRange(0, bytes.Length), out _).ShouldBeFalse(reason);
    }

    [Fact]
    public void Comma_separated_vias_on_one_line_and_folded_lines()
    {
        SipMessage message = SipText.Parse("""
            OPTIONS sip:a@example.com SIP/2.0
            Via: SIP/2.0/UDP first.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com
             ;branch=z9hG4bK2
            v: SIP/2.0/UDP third.example.com;branch=z9hG4bK3
            Content-Length: 0


            """);

        var hosts = new List<string>();
        foreach (TextRange value in message.GetValues(HeaderId.Via))
        {
            ViaParser.TryParse(message.Span, value, out SipVia via).ShouldBeTrue();
            hosts.Add(message.Str(via.Host));
        }

        hosts.ShouldBe(["first.example.com", "second.example.com", "third.example.com"]);
    }

    private static string? Read(byte[] bytes, TextRange range) =>
        range.IsPresent ? Encoding.ASCII.GetString(range.Of(bytes)) : null;
}
