using System.Net;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Hosting;

public class ListenSpecParserTests
{
    public static TheoryData<string, SipTransportKind?, string, int?> Valid => new()
    {
        { "udp:127.0.0.1:5060", SipTransportKind.Udp, "127.0.0.1", 5060 },
        { "tcp:127.0.0.1:5070", SipTransportKind.Tcp, "127.0.0.1", 5070 },
        { "UDP:10.0.0.1:5060", SipTransportKind.Udp, "10.0.0.1", 5060 },
        { "127.0.0.1", null, "127.0.0.1", null },
        { "127.0.0.1:5080", null, "127.0.0.1", 5080 },
        { "udp:127.0.0.1", SipTransportKind.Udp, "127.0.0.1", null },
        { "[::1]", null, "::1", null },
        { "[::1]:5060", null, "::1", 5060 },
        { "tcp:[::1]:5061", SipTransportKind.Tcp, "::1", 5061 },
        { "udp:[2001:db8::1]:5060", SipTransportKind.Udp, "2001:db8::1", 5060 },
        { "::1", null, "::1", null },
        { "fe80::1", null, "fe80::1", null },
        { "abcd::1", null, "abcd::1", null },
        { "tcp:::1", SipTransportKind.Tcp, "::1", null },
        { "0.0.0.0:0", null, "0.0.0.0", 0 },
        { "  udp:127.0.0.1:5060  ", SipTransportKind.Udp, "127.0.0.1", 5060 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_listen_specs_parse(string text, SipTransportKind? transport, string address, int? port)
    {
        ListenSpecParser.TryParse(text, out var spec, out var error).ShouldBeTrue(error);

        spec.Transport.ShouldBe(transport);
        spec.Address.ShouldBe(IPAddress.Parse(address));
        spec.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("tls:127.0.0.1:5061", "TLS is not offered")]
    [InlineData("sctp:127.0.0.1", "SCTP is not offered")]
    [InlineData("udp:", "transport without address")]
    [InlineData("localhost:5060", "a name, not an address")]
    [InlineData("proxy.example.net", "a name, not an address")]
    [InlineData("127.0.0.1:70000", "port out of range")]
    [InlineData("127.0.0.1:-1", "negative port")]
    [InlineData("127.0.0.1:50a", "port not a number")]
    [InlineData("127.1", "IPv4 shorthand is not a dotted quad")]
    [InlineData("1", "a bare number is not an address")]
    [InlineData("[::1", "bracket not closed")]
    [InlineData("[::1]5060", "port without colon")]
    [InlineData("[127.0.0.1:5060", "bracket not closed")]
    [InlineData("256.0.0.1", "octet out of range")]
    public void Invalid_listen_specs_are_refused_with_a_reason(string text, string reason)
    {
        ListenSpecParser.TryParse(text, out _, out var error).ShouldBeFalse(reason);

        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void A_spec_without_transport_means_udp_and_tcp_on_the_default_port()
    {
        ListenSpecParser.TryParse("127.0.0.1", out var spec, out _).ShouldBeTrue();

        spec.Expand(5060).ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5060)),
        ]);
    }
}
