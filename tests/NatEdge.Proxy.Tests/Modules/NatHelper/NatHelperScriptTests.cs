using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Tests.Routing;
using NatEdge.Proxy.Tests.Sip;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>The NAT functions called from a script: where they may run, what check says about their arguments.</summary>
public sealed class NatHelperScriptTests
{
    private const string Modules = """
        loadmodule "/usr/local/lib/ser/modules/sl.so"
        loadmodule "/usr/local/lib/ser/modules/tm.so"
        loadmodule "/usr/local/lib/ser/modules/usrloc.so"
        loadmodule "/usr/local/lib/ser/modules/domain.so"
        loadmodule "/usr/local/lib/ser/modules/nathelper.so"
        loadmodule "/usr/local/lib/ser/modules/mediaproxy.so"
        modparam("nathelper", "rtpproxy_disable", 1)

        """;

    private const string NatedOk = """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-proxy-1
        Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-1;received=198.51.100.7;rport=40001
        From: <sip:1000@127.0.0.1>;tag=a1
        To: <sip:2000@127.0.0.1>;tag=b2
        Call-ID: reply-1
        CSeq: 1 INVITE
        Contact: <sip:2000@192.168.2.10:5062;ob>
        Content-Length: 0


        """;

    [Fact]
    public void The_guides_onreply_route_fixes_a_nated_callees_contact()
    {
        var harness = new ScriptHarness(Modules + """
            route { t_on_reply("1"); }
            onreply_route[1] {
                if (client_nat_test("1")) {
                    fix_nated_contact();
                };
            }
            """);

        harness.Reply(1, NatedOk).ShouldBeTrue();

        // The harness delivers replies from 127.0.0.1:5060.
        harness.Forwarded().ShouldBe(NatedOk.ReplaceLineEndings("\r\n").Replace("<sip:2000@192.168.2.10:5062;ob>", "<sip:2000@127.0.0.1:5060;ob>", StringComparison.Ordinal));
    }

    [Fact]
    public void Nat_uac_test_in_a_request_route_sees_the_private_via()
    {
        var harness = new ScriptHarness(Modules + """
            route {
                if (nat_uac_test("19")) { sl_send_reply("299", "NATed"); break; };
                sl_send_reply("298", "Direct");
            }
            """);

        harness.Request(NatMessages.Invite("192.168.1.10:5060", "sip:1000@192.168.1.10").Written(), ScriptHarness.From("198.51.100.7", 40001));
        harness.Request(NatMessages.Invite("198.51.100.7:40001", "sip:1000@198.51.100.7:40001").Written(), ScriptHarness.From("198.51.100.7", 40001));

        harness.Replies.Select(r => r[..r.IndexOf('\r', StringComparison.Ordinal)]).ShouldBe(["SIP/2.0 299 NATed", "SIP/2.0 298 Direct"]);
    }

    [Theory]
    [InlineData("nat_uac_test(\"1024\")", "nat_uac_test flags 1024 select no known test")]
    [InlineData("nat_uac_test(\"0\")", "nat_uac_test flags 0 select no known test")]
    [InlineData("client_nat_test(\"8\")", "client_nat_test tests 8 select no known test")]
    [InlineData("fix_nated_sdp(\"8\")", "fix_nated_sdp mode 8 is not known")]
    public void Check_names_unknown_test_bits(string call, string message)
    {
        var result = ScriptLoader.LoadText(Modules + $"route {{ if ({call}) {{ break; }}; }}", "test.cfg");

        result.Diagnostics.Items.ShouldHaveSingleItem().Message.ShouldContain(message);
    }

    [Fact]
    public void Fix_nated_register_belongs_to_the_request_route()
    {
        var result = ScriptLoader.LoadText(Modules + "route { t_on_reply(\"1\"); }\nonreply_route[1] { fix_nated_register(); }", "test.cfg");

        result.Diagnostics.HasErrors.ShouldBeTrue();
        result.Diagnostics.Render().ShouldContain("fix_nated_register");
    }
}
