using System.Net;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>The one reader of [proto:]addr[:port], for listen=/alias= lines and the run command's flags.</summary>
public class ListenParserTests
{
    public static TheoryData<string, TransportProtocol?, string, int?> Valid => new()
    {
        { "udp:127.0.0.1:5060", TransportProtocol.Udp, "127.0.0.1", 5060 },
        { "tcp:127.0.0.1:5070", TransportProtocol.Tcp, "127.0.0.1", 5070 },
        { "UDP:10.0.0.1:5060", TransportProtocol.Udp, "10.0.0.1", 5060 },
        { "tls:127.0.0.1:5061", TransportProtocol.Tls, "127.0.0.1", 5061 },
        { "127.0.0.1", null, "127.0.0.1", null },
        { "127.0.0.1:5080", null, "127.0.0.1", 5080 },
        { "udp:127.0.0.1", TransportProtocol.Udp, "127.0.0.1", null },
        { "[::1]", null, "::1", null },
        { "[::1]:5060", null, "::1", 5060 },
        { "tcp:[::1]:5061", TransportProtocol.Tcp, "::1", 5061 },
        { "udp:[2001:db8::1]:5060", TransportProtocol.Udp, "2001:db8::1", 5060 },
        { "::1", null, "::1", null },
        { "fe80::1", null, "fe80::1", null },
        { "abcd::1", null, "abcd::1", null },
        { "tcp:::1", TransportProtocol.Tcp, "::1", null },
        { "0.0.0.0:0", null, "0.0.0.0", 0 },
        { "  udp:127.0.0.1:5060  ", TransportProtocol.Udp, "127.0.0.1", 5060 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_listen_values_parse(string text, TransportProtocol? protocol, string address, int? port)
    {
        ListenParser.TryParse(text, out var listen, out var problem).ShouldBeTrue(problem);

        listen.Protocol.ShouldBe(protocol);
        listen.Address.ShouldBe(IPAddress.Parse(address));
        listen.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("localhost:5060", "localhost", 5060)]
    [InlineData("tls:proxy.natedge.invalid", "proxy.natedge.invalid", null)]
    public void Host_names_parse_without_an_address(string text, string host, int? port)
    {
        // SER accepts names on listen lines; the run command, which binds addresses, refuses them.
        ListenParser.TryParse(text, out var listen, out var problem).ShouldBeTrue(problem);

        listen.Host.ShouldBe(host);
        listen.Address.ShouldBeNull();
        listen.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("sctp:127.0.0.1", "SCTP is not a transport NatEdge knows")]
    [InlineData("udp:", "transport without address")]
    [InlineData("127.0.0.1:70000", "port out of range")]
    [InlineData("127.0.0.1:-1", "negative port")]
    [InlineData("127.0.0.1:50a", "port not a number")]
    [InlineData("127.1", "IPv4 shorthand is not a dotted quad")]
    [InlineData("1", "a bare number is not an address")]
    [InlineData("[::1", "bracket not closed")]
    [InlineData("[::1]5060", "port without colon")]
    [InlineData("[127.0.0.1:5060", "bracket not closed")]
    [InlineData("256.0.0.1", "octet out of range")]
    [InlineData("-proxy.invalid", "a label may not start with a hyphen")]
    public void Invalid_listen_values_are_refused_with_a_reason(string text, string reason)
    {
        ListenParser.TryParse(text, out _, out var problem).ShouldBeFalse(reason);

        problem.ShouldNotBeNullOrWhiteSpace();
    }
}
