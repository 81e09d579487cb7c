using System.Text;
using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Routing.Compilation;
using static NatEdge.Proxy.Tests.Modules.NatHelper.NatMessages;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>
/// Each nat_uac_test bit on its own, true and false, as SER 0.9's nathelper (1-16) and Kamailio 5.6's
/// README (32-512) define them. The public side of the NAT is 198.51.100.7 (TEST-NET-2).
/// </summary>
public sealed class NatUacTestTests
{
    private static readonly ReceiveInfo ThroughNat = From("198.51.100.7", 40001);

    private static bool Test(NatUacTests tests, NatEdge.Proxy.Sip.Message.SipMessage message, ReceiveInfo received, string? destination = null) =>
        NatDetector.Any(message, received, tests, destination is null ? default : Encoding.ASCII.GetBytes(destination));

    [Theory]
    [InlineData("sip:1000@192.168.1.10:5060", true)]
    [InlineData("sip:1000@100.64.3.4:5060", true)] // RFC 6598 carrier-grade NAT space
    [InlineData("sip:1000@[fd00::10]:5060", true)]
    [InlineData("sip:1000@[fe80::2]", true)]
    [InlineData("sip:1000@198.51.100.7:40001", false)]
    [InlineData("sip:1000@127.0.0.1:5060", false)]
    [InlineData("sip:1000@phone.example.org", false)]
    public void Bit_1_private_contact(string contact, bool expected) =>
        Test(NatUacTests.ContactPrivate, Invite("198.51.100.7:40001", contact), ThroughNat).ShouldBe(expected);

    [Theory]
    [InlineData("192.168.1.10:5060", "198.51.100.7", true)]
    [InlineData("198.51.100.7:5060", "198.51.100.7", false)] // the port is bit 16's business
    [InlineData("[2001:db8::5]:5060", "2001:db8::5", false)]
    [InlineData("[2001:db8::5]:5060", "2001:db8::6", true)]
    [InlineData("phone.example.org", "198.51.100.7", true)]
    public void Bit_2_source_ip_differs_from_via(string sentBy, string source, bool expected) =>
        Test(NatUacTests.ViaReceived, Invite(sentBy, "sip:1000@198.51.100.7"), From(source, 5060)).ShouldBe(expected);

    [Theory]
    [InlineData("192.168.1.10:5060", true)]
    [InlineData("172.20.0.3", true)]
    [InlineData("100.100.0.1:5060", true)]
    [InlineData("[fd00::10]:5060", true)]
    [InlineData("198.51.100.7:40001", false)]
    [InlineData("[2001:db8::5]", false)]
    public void Bit_4_private_top_via(string sentBy, bool expected) =>
        Test(NatUacTests.ViaPrivate, Invite(sentBy, "sip:1000@198.51.100.7"), ThroughNat).ShouldBe(expected);

    [Theory]
    [InlineData(new[] { "198.51.100.7", "10.0.0.5" }, true)] // media-level c=
    [InlineData(new[] { "192.168.1.10" }, true)] // session-level c=
    [InlineData(new[] { "100.64.0.9" }, true)]
    [InlineData(new[] { "fd00::10" }, true)]
    [InlineData(new[] { "198.51.100.7", "198.51.100.8" }, false)]
    public void Bit_8_private_sdp_address(string[] addresses, bool expected) =>
        Test(NatUacTests.SdpPrivate, Invite("198.51.100.7:40001", "sip:1000@198.51.100.7", addresses), ThroughNat).ShouldBe(expected);

    [Fact]
    public void Bit_8_is_false_without_a_body() =>
        Test(NatUacTests.SdpPrivate, Invite("192.168.1.10", "sip:1000@192.168.1.10"), ThroughNat).ShouldBeFalse();

    [Theory]
    [InlineData("192.168.1.10:5060", 40001, true)]
    [InlineData("192.168.1.10:40001", 40001, false)]
    [InlineData("192.168.1.10", 5060, false)] // no port in Via means 5060
    [InlineData("192.168.1.10", 5062, true)]
    public void Bit_16_source_port_differs_from_via(string sentBy, int sourcePort, bool expected) =>
        Test(NatUacTests.ViaPort, Invite(sentBy, "sip:1000@198.51.100.7"), From("198.51.100.7", sourcePort)).ShouldBe(expected);

    [Theory]
    [InlineData("192.168.1.10", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.1.2.3", true)] // a dual-stack socket's view of an IPv4 source
    [InlineData("198.51.100.7", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("2001:db8::1", false)]
    public void Bit_32_private_source(string source, bool expected) =>
        Test(NatUacTests.SourcePrivate, Invite("198.51.100.7", "sip:1000@198.51.100.7"), From(source, 5060)).ShouldBe(expected);

    [Theory]
    [InlineData(TransportProtocol.Udp)]
    [InlineData(TransportProtocol.Tcp)]
    [InlineData(TransportProtocol.Tls)]
    public void Bit_64_websocket_never_holds_on_the_transports_natedge_has(TransportProtocol protocol) =>
        Test(NatUacTests.WebSocket, Invite("192.168.1.10", "sip:1000@192.168.1.10"), From("198.51.100.7", 40001, protocol)).ShouldBeFalse();

    [Theory]
    [InlineData("sip:1000@192.168.1.10:5060", 40001, true)]
    [InlineData("sip:1000@192.168.1.10:40001", 40001, false)]
    [InlineData("sip:1000@192.168.1.10", 5060, false)] // no port in the Contact means 5060
    [InlineData("sips:1000@192.168.1.10", 5061, false)] // and 5061 for sips
    [InlineData("sip:1000@[fd00::10]:5062", 5060, true)]
    public void Bit_128_contact_port_differs_from_source(string contact, int sourcePort, bool expected) =>
        Test(NatUacTests.ContactPort, Invite("198.51.100.7", contact), From("198.51.100.7", sourcePort)).ShouldBe(expected);

    [Theory]
    [InlineData(new[] { "198.51.100.7" }, false)]
    [InlineData(new[] { "198.51.100.9" }, true)]
    [InlineData(new[] { "198.51.100.7", "198.51.100.7", "192.168.1.10" }, true)] // any of several c= lines
    [InlineData(new[] { "2001:db8::7" }, true)]
    public void Bit_256_sdp_address_differs_from_source(string[] addresses, bool expected) =>
        Test(NatUacTests.SdpAddressDiffers, Invite("198.51.100.7", "sip:1000@198.51.100.7", addresses), ThroughNat).ShouldBe(expected);

    [Theory]
    [InlineData("sip:2000@198.18.0.1", null, false)] // no destination set
    [InlineData("sip:2000@198.18.0.1", "sip:198.18.0.1", false)]
    [InlineData("sip:2000@198.18.0.1", "sip:198.18.0.1:5060", false)] // 5060 is the default port
    [InlineData("sip:2000@192.168.2.10:5060", "sip:198.51.100.20:40002", true)] // lookup() of a NATed binding
    [InlineData("sip:2000@192.168.2.10:5060", "sip:192.168.2.10:5070", true)] // same host, other port
    public void Bit_512_request_destination_differs_from_request_uri(string requestUri, string? destination, bool expected) =>
        Test(NatUacTests.TargetDiffers, Invite("198.51.100.7", "sip:1000@198.51.100.7", requestUri: requestUri), ThroughNat, destination).ShouldBe(expected);

    [Theory]
    [InlineData("SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-1;received=198.51.100.7;rport=40001", true)]
    [InlineData("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1;rport=40001", true)] // port only
    [InlineData("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1;received=198.51.100.7;rport=5060", false)]
    [InlineData("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1", false)]
    public void Bit_512_reply_second_via_differs_from_its_received_and_rport(string secondVia, bool expected) =>
        Test(NatUacTests.TargetDiffers, Ok("sip:2000@198.51.100.8", secondVia), From("198.51.100.8", 5060)).ShouldBe(expected);

    [Fact]
    public void The_guides_19_holds_when_any_of_1_2_16_holds()
    {
        var publicPhone = Invite("198.51.100.7:40001", "sip:1000@198.51.100.7:40001");
        Test((NatUacTests)19, publicPhone, ThroughNat).ShouldBeFalse();

        // Only the port differs (bit 16 of 1|2|16).
        Test((NatUacTests)19, Invite("198.51.100.7:5060", "sip:1000@198.51.100.7:40001"), ThroughNat).ShouldBeTrue();

        // A private Via alone is bit 4, which 19 does not select: bit 2 (received) catches it.
        Test((NatUacTests)19, Invite("192.168.1.10:40001", "sip:1000@198.51.100.7:40001"), ThroughNat).ShouldBeTrue();
        Test((NatUacTests)1, Invite("192.168.1.10:40001", "sip:1000@198.51.100.7:40001"), ThroughNat).ShouldBeFalse();
    }
}
