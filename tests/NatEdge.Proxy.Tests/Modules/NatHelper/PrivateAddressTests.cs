using System.Text;
using NatEdge.Proxy.Modules.NatHelper;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

public sealed class PrivateAddressTests
{
    [Theory]
    [InlineData("10.0.0.1", true)] // RFC 1918 10/8
    [InlineData("10.255.255.255", true)]
    [InlineData("172.16.0.1", true)] // RFC 1918 172.16/12, low end
    [InlineData("172.31.255.254", true)] // high end
    [InlineData("172.15.255.255", false)] // just below 172.16/12
    [InlineData("172.32.0.1", false)] // just above
    [InlineData("192.168.1.10", true)] // RFC 1918 192.168/16
    [InlineData("192.169.0.1", false)]
    [InlineData("100.64.0.1", true)] // RFC 6598 shared address space 100.64/10
    [InlineData("100.127.255.254", true)]
    [InlineData("100.63.255.255", false)] // just below 100.64/10
    [InlineData("100.128.0.1", false)] // just above
    [InlineData("127.0.0.1", false)] // loopback is not NAT
    [InlineData("198.18.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fc00::1", true)] // RFC 4193 unique local fc00::/7
    [InlineData("fd12:3456::10", true)]
    [InlineData("[fd00::10]", true)] // URI form with brackets
    [InlineData("fe80::1", true)] // link-local fe80::/10
    [InlineData("febf::1", true)] // still inside fe80::/10
    [InlineData("fec0::1", false)] // just outside fe80::/10
    [InlineData("fb00::1", false)] // just outside fc00::/7
    [InlineData("::1", false)] // IPv6 loopback
    [InlineData("2001:db8::1", false)]
    [InlineData("::ffff:192.168.1.10", true)] // IPv4-mapped private
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("pbx.example.org", false)] // a name is never private
    [InlineData("10", false)] // short forms are names to SIP, not addresses
    [InlineData("192.168.1", false)]
    [InlineData("192.168.1.256", false)]
    public void Classifies_hosts(string host, bool expected) =>
        PrivateAddress.IsPrivateHost(Encoding.ASCII.GetBytes(host)).ShouldBe(expected, host);

    [Fact]
    public void Ipv6_spellings_are_compared_as_addresses()
    {
        byte[] address = System.Net.IPAddress.Parse("fd00::10").GetAddressBytes();

        PrivateAddress.SameAddress("[FD00:0:0::0010]"u8, address).ShouldBeTrue();
        PrivateAddress.SameAddress("fd00::11"u8, address).ShouldBeFalse();
    }
}
