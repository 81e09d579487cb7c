using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// Compiled scripts run on parsed messages: branching on method, URI, source address
/// and headers, SER's return-code rules (route-script.md 4.2) and the replies produced.
/// </summary>
public sealed class ScriptExecutionTests
{
    private const string Options = """
        OPTIONS sip:127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-opt1
        Max-Forwards: 70
        From: <sip:monitor@10.0.0.5>;tag=m1
        To: <sip:127.0.0.1>
        Call-ID: probe-1@10.0.0.5
        CSeq: 1 OPTIONS
        User-Agent: softphone 1.0
        Content-Length: 0


        """;

    private const string OptionsResponder = """
        listen=udp:127.0.0.1:5060
        alias=proxy.test
        loadmodule "sl.so"
        loadmodule "maxfwd.so"
        route {
            if (!mf_process_maxfwd_header("10")) {
                sl_send_reply("483", "Too Many Hops");
                break;
            };
            if (method == "OPTIONS" && uri == myself) {
                sl_send_reply("200", "OK");
                break;
            };
            sl_send_reply("501", "Not Implemented");
        }
        """;

    [Fact]
    public void Options_to_myself_gets_a_stateless_200_with_the_dialog_headers_copied()
    {
        var harness = new ScriptHarness(OptionsResponder);

        harness.Request(Options);

        var reply = harness.Replies.ShouldHaveSingleItem();
        var lines = reply.Split("\r\n");
        lines[0].ShouldBe("SIP/2.0 200 OK");
        lines.ShouldContain("Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-opt1");
        lines.ShouldContain("From: <sip:monitor@10.0.0.5>;tag=m1");
        lines.ShouldContain(l => l.StartsWith("To: <sip:127.0.0.1>;tag=", StringComparison.Ordinal));
        lines.ShouldContain("Call-ID: probe-1@10.0.0.5");
        lines.ShouldContain("CSeq: 1 OPTIONS");
        reply.ShouldEndWith("Content-Length: 0\r\n\r\n");
    }

    [Theory]
    [InlineData("sip:127.0.0.1", "200 OK")]
    [InlineData("sip:127.0.0.1:5060", "200 OK")]
    [InlineData("sip:alice@PROXY.test", "200 OK")]
    [InlineData("sip:alice@proxy.test:5999", "200 OK")]
    [InlineData("sip:127.0.0.1:5070", "501 Not Implemented")]
    [InlineData("sip:bob@192.0.2.99", "501 Not Implemented")]
    [InlineData("sips:127.0.0.1", "501 Not Implemented")]
    [InlineData("sips:alice@proxy.test", "200 OK")]
    [InlineData("sip:[::1]", "501 Not Implemented")]
    public void Uri_myself_follows_listen_alias_and_port_rules(string requestUri, string expected)
    {
        var harness = new ScriptHarness(OptionsResponder);

        harness.Request(Options.Replace("OPTIONS sip:127.0.0.1 SIP/2.0", $"OPTIONS {requestUri} SIP/2.0", StringComparison.Ordinal));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith($"SIP/2.0 {expected}\r\n");
    }

    [Fact]
    public void Other_methods_get_the_honest_error()
    {
        var harness = new ScriptHarness(OptionsResponder);

        harness.Request(Options.Replace("OPTIONS sip:127.0.0.1", "SUBSCRIBE sip:127.0.0.1", StringComparison.Ordinal)
            .Replace("CSeq: 1 OPTIONS", "CSeq: 1 SUBSCRIBE", StringComparison.Ordinal));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 501 Not Implemented\r\n");
    }

    [Fact]
    public void Max_forwards_zero_is_answered_483_and_routing_stops()
    {
        var harness = new ScriptHarness(OptionsResponder);

        var code = harness.Request(Options.Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal));

        code.ShouldBe(0);
        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 483 Too Many Hops\r\n");
    }

    [Theory]
    [InlineData("Max-Forwards: 70", "Max-Forwards: 16")]
    [InlineData("Max-Forwards: 5", "Max-Forwards: 4")]
    [InlineData("Max-Forwards: abc", "Max-Forwards: abc")]
    public void Max_forwards_is_decremented_within_max_limit(string received, string forwarded)
    {
        var harness = new ScriptHarness(OptionsResponder);

        harness.Request(Options.Replace("Max-Forwards: 70", received, StringComparison.Ordinal));

        harness.Forwarded().ShouldContain(forwarded + "\r\n");
    }

    [Fact]
    public void Missing_max_forwards_is_added_with_the_scripts_value()
    {
        var harness = new ScriptHarness(OptionsResponder);

        harness.Request(Options.Replace("Max-Forwards: 70\n", string.Empty, StringComparison.Ordinal));

        harness.Forwarded().ShouldContain("Max-Forwards: 10\r\n\r\n");
    }

    [Theory]
    [InlineData("INVITE", "180 Method Matched")]
    [InlineData("BYE", "404 Other")]
    public void Method_comparison_ignores_case(string method, string expected)
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                if (method == "invite") { sl_send_reply("180", "Method Matched"); break; };
                sl_send_reply("404", "Other");
            }
            """);

        harness.Request(Options.Replace("OPTIONS sip", $"{method} sip", StringComparison.Ordinal).Replace("1 OPTIONS", $"1 {method}", StringComparison.Ordinal));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith($"SIP/2.0 {expected}\r\n");
    }

    [Theory]
    [InlineData("10.1.2.3", 5060, TransportProtocol.Udp, "403 Private")]
    [InlineData("172.20.0.9", 5060, TransportProtocol.Udp, "403 Private")]
    [InlineData("198.51.100.7", 5060, TransportProtocol.Udp, "404 Public Udp")]
    [InlineData("198.51.100.7", 5061, TransportProtocol.Tcp, "404 Public High Port Tcp")]
    [InlineData("::1", 5060, TransportProtocol.Udp, "415 Inet6")]
    public void Source_address_port_and_protocol_branch(string source, int port, TransportProtocol protocol, string expected)
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                if (af == inet6) { sl_send_reply("415", "Inet6"); break; };
                if (src_ip == 10.0.0.0/8 || src_ip == "172.16.0.0/12") { sl_send_reply("403", "Private"); break; };
                if (src_port > 5060 && proto == tcp) { sl_send_reply("404", "Public High Port Tcp"); break; };
                if (proto == udp && src_ip != 198.51.100.0/24) { sl_send_reply("500", "Unexpected"); break; };
                sl_send_reply("404", "Public Udp");
            }
            """);

        harness.Request(Options, ScriptHarness.From(source, port, protocol));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith($"SIP/2.0 {expected}\r\n");
    }

    [Theory]
    [InlineData("127.0.0.1", "200 Myself")]
    [InlineData("10.9.8.7", "200 Ten By Regex")]
    [InlineData("2001:db8::5", "200 Documentation Range")]
    [InlineData("198.51.100.7", "404 None")]
    public void Source_address_matches_myself_regexes_and_ipv6_networks(string source, string expected)
    {
        var harness = new ScriptHarness("""
            listen=127.0.0.1
            loadmodule "sl.so"
            route {
                if (dst_ip != 127.0.0.1 || dst_port != 5060 || dst_ip != myself) { sl_send_reply("500", "Wrong Local Address"); break; };
                if (src_ip == myself) { sl_send_reply("200", "Myself"); break; };
                if (src_ip =~ "^10\.") { sl_send_reply("200", "Ten By Regex"); break; };
                if (src_ip == "2001:db8::/32") { sl_send_reply("200", "Documentation Range"); break; };
                sl_send_reply("404", "None");
            }
            """);

        harness.Request(Options, ScriptHarness.From(source));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith($"SIP/2.0 {expected}\r\n");
    }

    [Fact]
    public void Header_functions_search_the_original_and_edit_the_forwarded_message()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            loadmodule "textops.so"
            route {
                append_hf("X-Edge: yes\r\n");
                if (search("^X-Edge:")) { log(1, "search saw an appended header"); };
                if (!search("^user-agent:.*SOFTPHONE")) { sl_send_reply("500", "search failed"); break; };
                if (!remove_hf("User-Agent")) { sl_send_reply("500", "remove failed"); break; };
                if (remove_hf("X-Absent")) { sl_send_reply("500", "removed nothing"); break; };
                if (!is_present_hf("call-id") || is_present_hf("X-Absent")) { sl_send_reply("500", "presence"); break; };
                log(1, "done");
            }
            """);

        harness.Request(Options);

        harness.Replies.ShouldBeEmpty();
        harness.Log.Lines.ShouldBe([(1, "done")]);
        var forwarded = harness.Forwarded();
        forwarded.ShouldNotContain("User-Agent");
        forwarded.ShouldEndWith("Content-Length: 0\r\nX-Edge: yes\r\n\r\n");
    }

    [Fact]
    public void Break_in_a_called_route_returns_to_the_caller_but_break_in_main_ends()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                route(1);
                log(1, "after route 1");
                break;
                log(1, "never");
            }
            route[1] {
                if (method == "OPTIONS") {
                    log(1, "in route 1");
                    break;
                };
                log(1, "never in route 1");
            }
            """);

        var code = harness.Request(Options);

        code.ShouldBe(0);
        harness.Log.Lines.Select(l => l.Text).ShouldBe(["in route 1", "after route 1"]);
    }

    [Fact]
    public void Return_leaves_a_route_and_exit_ends_the_message()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                route(1);
                log(1, "after return");
                route(2);
                log(1, "never after exit");
            }
            route[1] {
                return;
                log(1, "never after return");
            }
            route[2] {
                if (uri == myself || uri != myself) { exit; };
            }
            """);

        harness.Request(Options);

        harness.Log.Lines.Select(l => l.Text).ShouldBe(["after return"]);
    }

    [Fact]
    public void Flags_are_set_tested_and_reset()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                setflag(6);
                if (isflagset(6)) { log(1, "6 set"); };
                resetflag(6);
                if (!isflagset(6)) { log(1, "6 reset"); };
                setflag(31);
            }
            """);

        harness.Request(Options);

        harness.Log.Lines.Select(l => l.Text).ShouldBe(["6 set", "6 reset"]);
        harness.Context.Flags.ShouldBe(1u << 31);
    }

    [Fact]
    public void Reply_route_sees_the_requests_flags_the_status_and_can_drop()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route { break; }
            onreply_route[1] {
                if (isflagset(6) && status =~ "(183)|2[0-9][0-9]") { log(1, "relay media"); };
                if (status >= 500) { drop; };
            }
            """);
        const string ok = """
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1
            From: <sip:a@x>;tag=1
            To: <sip:b@y>;tag=2
            Call-ID: c1
            CSeq: 1 INVITE
            Content-Length: 0


            """;

        harness.Reply(1, ok, flags: 1u << 6).ShouldBeTrue();
        harness.Log.Lines.Select(l => l.Text).ShouldBe(["relay media"]);
        harness.Reply(1, ok.Replace("200 OK", "503 Service Unavailable", StringComparison.Ordinal)).ShouldBeFalse();
    }

    [Fact]
    public void Ack_is_never_answered()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route { sl_send_reply("200", "OK"); }
            """);

        harness.Request(Options.Replace("OPTIONS sip", "ACK sip", StringComparison.Ordinal).Replace("1 OPTIONS", "1 ACK", StringComparison.Ordinal));

        harness.Replies.ShouldBeEmpty();
    }

    [Fact]
    public void Sl_reply_error_without_a_recorded_error_answers_500()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route { sl_reply_error(); }
            """);

        harness.Request(Options);

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 500 ");
    }

    [Fact]
    public void Runaway_route_recursion_stops_at_the_nesting_limit()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route { route(1); log(1, "never"); }
            route[1] { route(1); }
            """);

        var code = harness.Request(Options);

        code.ShouldBe(0);
        harness.Log.Lines.ShouldHaveSingleItem().Level.ShouldBe(-1);
    }

    [Fact]
    public void Message_length_and_max_len_compare_as_numbers()
    {
        var harness = new ScriptHarness("""
            loadmodule "sl.so"
            route {
                if (msg:len > max_len) { sl_send_reply("513", "Message Overflow"); break; };
                if (msg:len > 100 && msg:len < 1000) { sl_send_reply("200", "Sized"); break; };
            }
            """);

        harness.Request(Options);

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 200 Sized\r\n");
    }
}
