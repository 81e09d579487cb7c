using System.Net;
using System.Text;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Tests.Core;

public class LocalIdentityTests
{
    private static readonly LocalIdentity Identity = new(
        [new IPEndPoint(IPAddress.Loopback, 5060), new IPEndPoint(IPAddress.IPv6Loopback, 5070)],
        [new HostAlias("sip.natedge.invalid", null), new HostAlias("pbx.natedge.invalid", 5080)]);

    private static bool IsMyself(string host, int port, bool sips = false) =>
        Identity.Matches(Encoding.ASCII.GetBytes(host), port < 0 ? 0 : port, sips ? 5061 : 5060);

    [Theory]
    [InlineData("127.0.0.1", 5060, true, "listen address and port")]
    [InlineData("127.0.0.1", -1, true, "no port means 5060")]
    [InlineData("127.0.0.1", 5070, false, "5070 is ::1's port: SER's grep_sock_info matches address and port of one socket")]
    [InlineData("::1", 5070, true, "IPv6 host without brackets, as URI parsers hand it over")]
    [InlineData("[::1]", 5060, false, "::1 listens on 5070 only")]
    [InlineData("127.0.0.1", 5061, false, "not a listening port")]
    [InlineData("[::1]", 5070, true, "IPv6 reference")]
    [InlineData("[0:0:0:0:0:0:0:1]", 5070, true, "another spelling of ::1")]
    [InlineData("SIP.natedge.invalid", -1, true, "alias, any case")]
    [InlineData("pbx.natedge.invalid", 5080, true, "alias with its own port")]
    [InlineData("pbx.natedge.invalid", 5060, false, "an alias with a port matches that port only")]
    [InlineData("sip.natedge.invalid", 5999, true, "an alias without a port matches any port")]
    [InlineData("127.0.0.2", 5060, false, "another loopback address")]
    [InlineData("natedge.invalid", 5060, false, "parent of an alias")]
    public void Myself_is_a_listen_address_or_alias_on_a_listening_port(string host, int port, bool expected, string reason)
    {
        IsMyself(host, port).ShouldBe(expected, reason);
    }

    [Fact]
    public void A_sips_uri_without_port_means_5061()
    {
        IsMyself("127.0.0.1", -1, sips: true).ShouldBeFalse();
    }

    [Fact]
    public void Src_ip_myself_is_any_bound_address()
    {
        Identity.IsLocalAddress(IPAddress.Loopback.GetAddressBytes()).ShouldBeTrue();
        Identity.IsLocalAddress(IPAddress.IPv6Loopback.GetAddressBytes()).ShouldBeTrue();
        Identity.IsLocalAddress(IPAddress.Parse("127.0.0.2").GetAddressBytes()).ShouldBeFalse();
    }

    [Fact]
    public void Built_from_a_script_it_takes_listen_lines_port_and_aliases()
    {
        var script = NatEdge.Proxy.Routing.ScriptLoader.BindText("listen=127.0.0.1\nlisten=tcp:[::1]:5070\nport=5062\nalias=proxy.natedge.invalid\nroute { break; }", "t.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());

        var identity = LocalIdentity.FromSettings(script.Settings);

        identity.Matches("127.0.0.1"u8, 5062).ShouldBeTrue("a listen line without a port takes port=");
        identity.Matches("127.0.0.1"u8, 0).ShouldBeFalse("5060 is not a port of 127.0.0.1 here");
        identity.Matches("::1"u8, 5070).ShouldBeTrue();
        identity.Matches("PROXY.natedge.invalid"u8, 0).ShouldBeTrue();
    }
}
