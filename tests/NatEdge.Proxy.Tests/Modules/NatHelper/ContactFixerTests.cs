using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Tests.Sip;
using static NatEdge.Proxy.Tests.Modules.NatHelper.NatMessages;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>fix_nated_contact and fix_contact: the Contact's host:port becomes the source, nothing else changes.</summary>
public sealed class ContactFixerTests
{
    [Fact]
    public void A_request_contact_gets_the_source_address_and_port()
    {
        var invite = Invite("192.168.1.10:5060", "sip:1000@192.168.1.10:5060;line=7");
        var original = invite.Written();

        ContactFixer.Fix(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        invite.Written().ShouldBe(original.Replace(
            "Contact: <sip:1000@192.168.1.10:5060;line=7>;expires=3600",
            "Contact: <sip:1000@198.51.100.7:40001;line=7>;expires=3600",
            StringComparison.Ordinal));
    }

    [Fact]
    public void A_contact_without_a_port_gets_one()
    {
        var invite = Invite("192.168.1.10", "sip:1000@192.168.1.10");

        ContactFixer.Fix(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        invite.Written().ShouldContain("Contact: <sip:1000@198.51.100.7:40001>;expires=3600\r\n");
    }

    [Fact]
    public void A_reply_contact_from_a_nated_callee_is_fixed_the_same_way()
    {
        var ok = Ok("sip:2000@192.168.2.10:5060");
        var original = ok.Written();

        ContactFixer.Fix(ok, From("198.51.100.8", 40002)).ShouldBeTrue();

        ok.Written().ShouldBe(original.Replace("Contact: <sip:2000@192.168.2.10:5060>", "Contact: <sip:2000@198.51.100.8:40002>", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ipv6_source_is_written_in_brackets()
    {
        var invite = Invite("[fd00::10]:5060", "sip:1000@[fd00::10]:5060");

        ContactFixer.Fix(invite, From("2001:db8::7", 40001)).ShouldBeTrue();

        invite.Written().ShouldContain("Contact: <sip:1000@[2001:db8::7]:40001>");
    }

    [Fact]
    public void A_sip_asymmetric_client_keeps_its_contact_port()
    {
        var invite = Invite("192.168.1.10:5060", "sip:1000@192.168.1.10:5062");

        ContactFixer.Fix(invite, From("198.51.100.7", 40001), ContactPortRule.KeepContactPort).ShouldBeTrue();

        invite.Written().ShouldContain("Contact: <sip:1000@198.51.100.7:5062>");
    }

    [Fact]
    public void A_second_call_on_the_same_message_does_nothing()
    {
        var invite = Invite("192.168.1.10:5060", "sip:1000@192.168.1.10:5060");
        ContactFixer.Fix(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        ContactFixer.Fix(invite, From("198.51.100.9", 40009)).ShouldBeFalse();

        invite.Written().ShouldContain("Contact: <sip:1000@198.51.100.7:40001>");
    }

    [Theory]
    [InlineData("sip:1000@192.168.1.10:5060;transport=tcp")] // reached over its connection
    [InlineData("sips:1000@192.168.1.10:5061")]
    [InlineData("tel:+15551234")]
    public void Stream_and_non_sip_contacts_are_left_alone(string contact)
    {
        var invite = Invite("192.168.1.10:5060", contact);
        var original = invite.Written();

        ContactFixer.Fix(invite, From("198.51.100.7", 40001)).ShouldBeFalse();

        invite.Written().ShouldBe(original);
    }

    [Fact]
    public void An_explicit_udp_transport_is_fixed()
    {
        var invite = Invite("192.168.1.10:5060", "sip:1000@192.168.1.10:5060;transport=UDP");

        ContactFixer.Fix(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        invite.Written().ShouldContain("<sip:1000@198.51.100.7:40001;transport=UDP>");
    }
}
