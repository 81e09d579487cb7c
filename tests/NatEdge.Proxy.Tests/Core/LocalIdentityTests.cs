using System.Net;
using System.Text;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Tests.Core;

public class LocalIdentityTests
{
    private static readonly LocalIdentity Identity = new(
        [new IPEndPoint(IPAddress.Loopback, 5060), new IPEndPoint(IPAddress.IPv6Loopback, 5070)],
        ["sip.natedge.invalid", "udp:pbx.natedge.invalid:5080"]);

    private static bool IsMyself(string host, int port, UriScheme scheme = UriScheme.Sip, bool ipv6 = false)
    {
        var bytes = Encoding.ASCII.GetBytes(host);
        var uri = new SipUri { Scheme = scheme, Host = new TextRange(0, bytes.Length), Port = port, IsIpv6Reference = ipv6 };
        return Identity.IsMyself(bytes, uri);
    }

    [Theory]
    [InlineData("127.0.0.1", 5060, false, true, "listen address and port")]
    [InlineData("127.0.0.1", -1, false, true, "no port means 5060")]
    [InlineData("127.0.0.1", 5070, false, true, "any listening port counts, as SER's myself")]
    [InlineData("127.0.0.1", 5061, false, false, "not a listening port")]
    [InlineData("[::1]", 5070, true, true, "IPv6 reference")]
    [InlineData("[0:0:0:0:0:0:0:1]", 5070, true, true, "another spelling of ::1")]
    [InlineData("SIP.natedge.invalid", -1, false, true, "alias, any case")]
    [InlineData("pbx.natedge.invalid", 5080, false, true, "alias with its own port")]
    [InlineData("127.0.0.2", 5060, false, false, "another loopback address")]
    [InlineData("natedge.invalid", 5060, false, false, "parent of an alias")]
    public void Myself_is_a_listen_address_or_alias_on_a_listening_port(string host, int port, bool ipv6, bool expected, string reason)
    {
        IsMyself(host, port, ipv6: ipv6).ShouldBe(expected, reason);
    }

    [Fact]
    public void A_sips_uri_without_port_means_5061()
    {
        IsMyself("127.0.0.1", -1, UriScheme.Sips).ShouldBeFalse();
    }

    [Fact]
    public void A_tel_uri_is_never_myself()
    {
        IsMyself("127.0.0.1", 5060, UriScheme.Tel).ShouldBeFalse();
    }
}
