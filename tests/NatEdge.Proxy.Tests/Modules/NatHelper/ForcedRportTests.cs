using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Tests.Sip;
using static NatEdge.Proxy.Tests.Modules.NatHelper.NatMessages;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>force_rport(): replies follow the NAT's mapping (RFC 3581 section 4) even for clients that did not ask.</summary>
public sealed class ForcedRportTests
{
    [Fact]
    public void A_via_without_rport_gets_the_source_port_and_replies_go_there()
    {
        var invite = Invite("192.168.1.10:5060", "sip:1000@192.168.1.10");
        var source = From("198.51.100.7", 40001);
        ViaReceivedStamp.Apply(invite, "198.51.100.7"u8, 40001);

        ForcedRport.Apply(invite, source).ShouldBeTrue();

        var written = SipText.Parse(invite.Written());
        written.TryGetTopVia(out var via).ShouldBeTrue();
        via.RportValue.ShouldBe(40001);
        written.Str(via.Received).ShouldBe("198.51.100.7");
        ResponseTargets.TryGet(written, out var target).ShouldBeTrue();
        written.Str(target.Host).ShouldBe("198.51.100.7");
        target.Port.ShouldBe(40001);
    }

    [Fact]
    public void A_client_whose_via_equals_its_source_also_gets_received_as_rfc_3581_requires()
    {
        var invite = Invite("198.51.100.7:5060", "sip:1000@198.51.100.7");

        ForcedRport.Apply(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        invite.Written().ShouldContain("Via: SIP/2.0/UDP 198.51.100.7:5060;rport=40001;received=198.51.100.7;branch=z9hG4bK-nat-1\r\n");
    }

    [Fact]
    public void A_via_that_already_asked_for_rport_is_left_to_the_receive_stamp()
    {
        var invite = SipText.Parse(Invite("192.168.1.10:5060", "sip:1000@192.168.1.10").Written().Replace(";branch=", ";rport;branch=", StringComparison.Ordinal));
        ViaReceivedStamp.Apply(invite, "198.51.100.7"u8, 40001);
        var stamped = invite.Written();

        ForcedRport.Apply(invite, From("198.51.100.7", 40001)).ShouldBeTrue();

        invite.Written().ShouldBe(stamped);
        stamped.ShouldContain(";rport=40001;");
    }
}
