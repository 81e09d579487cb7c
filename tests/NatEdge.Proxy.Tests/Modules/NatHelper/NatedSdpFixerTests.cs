using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Tests.Sip;
using static NatEdge.Proxy.Tests.Modules.NatHelper.NatMessages;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>fix_nated_sdp modes 1 and 2 (route-script.md, nathelper) with Content-Length kept right.</summary>
public sealed class NatedSdpFixerTests
{
    [Fact]
    public void Mode_2_puts_the_source_ip_in_every_connection_line()
    {
        var invite = Invite("192.168.1.10", "sip:1000@192.168.1.10", ["192.168.1.10", "192.168.1.10"]);

        NatedSdpFixer.Fix(invite, From("198.51.100.7", 40001), NatedSdpFixes.ConnectionAddress).ShouldBeTrue();

        var written = SipText.Parse(invite.Written());
        var body = written.Str(written.Body);
        body.ShouldNotContain("c=IN IP4 192.168.1.10");
        body.Split("c=IN IP4 198.51.100.7\r\n").Length.ShouldBe(3);
        written.ContentLength.ShouldBe(written.Body.Length);
    }

    [Fact]
    public void Mode_1_adds_direction_active()
    {
        var invite = Invite("192.168.1.10", "sip:1000@192.168.1.10", ["192.168.1.10"]);

        NatedSdpFixer.Fix(invite, From("198.51.100.7", 40001), NatedSdpFixes.DirectionActive).ShouldBeTrue();

        var written = SipText.Parse(invite.Written());
        written.Str(written.Body).ShouldEndWith("m=audio 20000 RTP/AVP 0\r\na=direction:active\r\n");
        written.Str(written.Body).ShouldContain("c=IN IP4 192.168.1.10");
    }

    [Fact]
    public void A_message_without_sdp_is_not_fixed() =>
        NatedSdpFixer.Fix(Invite("192.168.1.10", "sip:1000@192.168.1.10"), From("198.51.100.7", 40001), NatedSdpFixes.All).ShouldBeFalse();
}
