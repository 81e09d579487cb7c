using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Modules.Tm;

// tm and rr as the guide's scripts use them (route-script.md section 5).
public sealed class TmModuleTests
{
    private const string Bob = "sip:1001@127.0.0.2:5060";

    private const string Header = """
        listen=udp:127.0.0.1:5060
        alias=proxy.test
        loadmodule "sl.so"
        loadmodule "tm.so"
        loadmodule "rr.so"
        loadmodule "textops.so"

        """;

    private const string HelloWorldCore = """
        route {
          record_route();
          if (loose_route()) {
            if (!t_relay()) { sl_reply_error(); };
            break;
          };
          if (!t_relay()) { sl_reply_error(); };
        }
        """;

    [Fact]
    public void T_relay_forwards_statefully_with_the_record_route_and_answers_100()
    {
        using var h = new TmScriptHarness(Header + HelloWorldCore);

        h.Request(Request("INVITE", uri: Bob)).ShouldBe(1);

        h.Proxy.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying"]);
        var forwarded = h.Proxy.Downstream("127.0.0.2:5060").Sent.Single().Message;
        StartLine(forwarded).ShouldBe("INVITE sip:1001@127.0.0.2:5060 SIP/2.0");
        Line(forwarded, "Record-Route:").ShouldBe("Record-Route: <sip:1001@127.0.0.1:5060;ftag=caller-tag;lr>");
        h.StatelessReplies.ShouldBeEmpty();
    }

    [Fact]
    public void A_relay_that_cannot_resolve_returns_false_so_sl_reply_error_answers_478()
    {
        using var h = new TmScriptHarness(Header + """
            route {
              if (!t_relay()) { sl_reply_error(); };
            }
            """);

        h.Request(Request("OPTIONS", uri: "sip:x@unknown.invalid")).ShouldBe(1);

        h.StatelessReplies.Select(StartLine).ShouldBe(["SIP/2.0 478 Unresolvable Destination"]);
        h.Proxy.Proxy.ServerTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void An_in_dialog_request_follows_its_route_set_to_the_next_hop()
    {
        using var h = new TmScriptHarness(Header + HelloWorldCore);

        h.Request(Request("BYE", uri: "sip:1001@127.0.0.2:5060", toTag: "callee-tag", extra: "Route: <sip:127.0.0.1;lr>, <sip:127.0.0.9;lr>\r\n"));

        h.Proxy.Downstream("127.0.0.2:5060").Sent.ShouldBeEmpty();
        var forwarded = h.Proxy.Downstream("127.0.0.9").Sent.Single().Message;
        StartLine(forwarded).ShouldBe("BYE sip:1001@127.0.0.2:5060 SIP/2.0");
        Lines(forwarded, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
    }

    [Fact]
    public void An_in_dialog_request_with_only_our_route_goes_to_its_request_uri()
    {
        using var h = new TmScriptHarness(Header + HelloWorldCore);

        h.Request(Request("BYE", uri: "sip:1000@127.0.0.5:5070", toTag: "callee-tag", extra: "Route: <sip:1001@127.0.0.1:5060;ftag=caller-tag;lr>\r\n"));

        var forwarded = h.Proxy.Downstream("127.0.0.5:5070").Sent.Single().Message;
        Lines(forwarded, "Route:").ShouldBeEmpty();
        Line(forwarded, "Record-Route:").ShouldBe("Record-Route: <sip:1000@127.0.0.1:5060;ftag=caller-tag;lr>");
    }

    [Fact]
    public void The_failure_route_armed_by_t_on_failure_runs_on_a_negative_outcome_and_can_answer_itself()
    {
        using var h = new TmScriptHarness(Header + """
            route {
              t_on_failure("1");
              t_relay();
            }
            failure_route[1] {
              t_reply("480", "Try Later");
            }
            """);
        h.Request(Request("INVITE", uri: Bob));

        h.Proxy.Respond("127.0.0.2:5060", 0, 486);

        h.Proxy.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 480 Try Later"]);
        StartLine(h.Proxy.Downstream("127.0.0.2:5060").Sent[1].Message).ShouldStartWith("ACK ");
    }

    [Fact]
    public void T_relay_in_a_failure_route_forks_anew()
    {
        using var h = new TmScriptHarness(Header + """
            route {
              t_on_failure("1");
              t_relay();
            }
            failure_route[1] {
              t_relay();
            }
            """);
        h.Request(Request("INVITE", uri: Bob));

        h.Proxy.Respond("127.0.0.2:5060", 0, 408);

        // The INVITE, the ACK of the 408, then the new branch with a branch id of its own.
        var sent = h.Proxy.Downstream("127.0.0.2:5060").Sent.Select(s => s.Message).ToArray();
        sent.Select(StartLine).ShouldBe(["INVITE sip:1001@127.0.0.2:5060 SIP/2.0", "ACK sip:1001@127.0.0.2:5060 SIP/2.0", "INVITE sip:1001@127.0.0.2:5060 SIP/2.0"]);
        Line(sent[2], "Via:").ShouldNotBe(Line(sent[0], "Via:"));
        h.Proxy.Respond("127.0.0.2:5060", 2, 200);
        h.Proxy.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 200 X"]);
    }

    [Fact]
    public void The_reply_route_armed_by_t_on_reply_sees_replies_and_can_drop_one()
    {
        using var h = new TmScriptHarness(Header + """
            route {
              t_on_reply("1");
              t_relay();
            }
            onreply_route[1] {
              if (status == "183") { drop; };
            }
            """);
        h.Request(Request("INVITE", uri: Bob));

        h.Proxy.Respond("127.0.0.2:5060", 0, 183);
        h.Proxy.Respond("127.0.0.2:5060", 0, 180);

        h.Proxy.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 180 X"]);
    }

    [Fact]
    public void Tm_timer_parameters_set_the_transaction_timers()
    {
        using var h = new TmScriptHarness(Header + """
            modparam("tm", "fr_timer", 5)
            modparam("tm", "fr_inv_timer", 20)
            modparam("tm", "retr_timer1", 100)
            modparam("tm", "retr_timer2", 1000)
            route {
              t_relay();
            }
            """);

        h.Proxy.Proxy.Timers.T1.ShouldBe(TimeSpan.FromMilliseconds(100));
        h.Proxy.Proxy.Timers.T2.ShouldBe(TimeSpan.FromSeconds(1));
        h.Proxy.Proxy.Timers.TimerB.ShouldBe(TimeSpan.FromSeconds(5));
        h.Proxy.Proxy.Timers.TimerC.ShouldBe(TimeSpan.FromSeconds(20));

        h.Request(Request("INVITE", uri: Bob));
        h.Proxy.Clock.RunFor(TimeSpan.FromSeconds(5));

        h.Proxy.Caller.Sent.Select(s => StartLine(s.Message)).ShouldBe(["SIP/2.0 100 Trying", "SIP/2.0 408 Request Timeout"]);
    }

    [Fact]
    public void T_on_reply_of_an_undefined_route_is_a_load_error()
    {
        var loaded = NatEdge.Proxy.Routing.ScriptLoader.LoadText(Header + """
            route {
              t_on_reply("7");
              t_relay();
            }
            """, "test.cfg");

        loaded.Diagnostics.Render().ShouldContain("arms onreply_route[7], which is not defined");
        loaded.Script.ShouldBeNull();
    }
}
