using System.Text;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Modules.Rr;

// loose_route(): route-script.md section 5 and RFC 3261 sections 16.4, 16.6 step 6 and 16.12.
public sealed class LooseRouterTests
{
    // The proxy listens on 127.0.0.1:5060 (UDP) and 127.0.0.1:5070 (TCP) and is also proxy.test.
    private static bool IsLocal(ReadOnlySpan<byte> host, int port)
    {
        var effective = port == 0 ? 5060 : port;
        return (host.SequenceEqual("127.0.0.1"u8) && effective is 5060 or 5070) || Ascii.EqualsIgnoreCase(host, "proxy.test"u8);
    }

    private static (LooseRouteOutcome Outcome, string Written) Route(string uri, string routes, string toTag = "callee-tag")
    {
        var message = Parse(Request("BYE", uri: uri, toTag: toTag, extra: routes));
        var outcome = LooseRouter.Process(message, IsLocal);
        var written = new byte[SipMessageWriter.GetLength(message)];
        SipMessageWriter.Write(message, written);
        return (outcome, Encoding.ASCII.GetString(written));
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.ASCII.GetString(bytes);

    [Fact]
    public void Without_a_route_header_the_request_is_not_loose_routed()
    {
        var (outcome, written) = Route("sip:bob@127.0.0.7", "");

        outcome.ShouldBe(default);
        written.ShouldBe(Request("BYE", uri: "sip:bob@127.0.0.7", toTag: "callee-tag"));
    }

    [Fact]
    public void Our_top_route_is_removed_and_a_loose_next_hop_becomes_the_destination()
    {
        var (outcome, written) = Route("sip:bob@127.0.0.7", "Route: <sip:127.0.0.1;ftag=caller-tag;lr>, <sip:127.0.0.9;lr>\r\n");

        outcome.Routed.ShouldBeTrue();
        Text(outcome.Destination).ShouldBe("sip:127.0.0.9;lr");
        outcome.RequestUri.ShouldBeNull();
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
        StartLine(written).ShouldBe("BYE sip:bob@127.0.0.7 SIP/2.0");
    }

    [Fact]
    public void Route_values_on_separate_lines_are_handled_line_by_line()
    {
        var (outcome, written) = Route("sip:bob@127.0.0.7", "Route: <sip:proxy.test;lr>\r\nRoute: <sip:127.0.0.9;lr>\r\n");

        Text(outcome.Destination).ShouldBe("sip:127.0.0.9;lr");
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
    }

    [Fact]
    public void An_in_dialog_request_with_only_our_route_is_routed_to_its_request_uri()
    {
        var (outcome, written) = Route("sip:bob@127.0.0.7", "Route: <sip:127.0.0.1:5060;lr>\r\n");

        outcome.ShouldBe(new LooseRouteOutcome(true, null, null));
        Lines(written, "Route:").ShouldBeEmpty();
    }

    [Fact]
    public void A_preloaded_initial_request_with_only_our_route_is_not_loose_routed_but_loses_the_route()
    {
        var (outcome, written) = Route("sip:1001@proxy.test", "Route: <sip:127.0.0.1;lr>\r\n", toTag: "");

        outcome.Routed.ShouldBeFalse();
        Lines(written, "Route:").ShouldBeEmpty();
    }

    [Fact]
    public void A_top_route_that_is_not_ours_becomes_the_destination_untouched()
    {
        var (outcome, written) = Route("sip:bob@127.0.0.7", "Route: <sip:127.0.0.9;lr>\r\n");

        outcome.Routed.ShouldBeTrue();
        Text(outcome.Destination).ShouldBe("sip:127.0.0.9;lr");
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
    }

    [Fact]
    public void Both_entries_of_a_double_record_route_are_removed()
    {
        var (outcome, written) = Route(
            "sip:bob@127.0.0.7",
            "Route: <sip:127.0.0.1:5070;transport=tcp;r2=on;lr>, <sip:127.0.0.1;r2=on;lr>, <sip:127.0.0.9;lr>\r\n");

        Text(outcome.Destination).ShouldBe("sip:127.0.0.9;lr");
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
    }

    [Fact]
    public void After_a_strict_router_the_last_route_becomes_the_request_uri()
    {
        // The previous hop put our Record-Route URI into the Request-URI (RFC 3261 16.4).
        var (outcome, written) = Route("sip:127.0.0.1;lr", "Route: <sip:127.0.0.9;lr>, <sip:bob@127.0.0.7>\r\n");

        outcome.Routed.ShouldBeTrue();
        Text(outcome.RequestUri).ShouldBe("sip:bob@127.0.0.7");
        Text(outcome.Destination).ShouldBe("sip:127.0.0.9;lr");
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.9;lr>"]);
    }

    [Fact]
    public void After_a_strict_router_with_no_route_left_the_request_goes_to_the_restored_uri()
    {
        var (outcome, written) = Route("sip:1001@127.0.0.1;ftag=caller-tag;lr", "Route: <sip:bob@127.0.0.7>\r\n");

        outcome.Routed.ShouldBeTrue();
        outcome.Destination.ShouldBeNull();
        Text(outcome.RequestUri).ShouldBe("sip:bob@127.0.0.7");
        Lines(written, "Route:").ShouldBeEmpty();
    }

    [Fact]
    public void A_strict_next_hop_takes_the_request_uri_which_moves_to_the_end_of_the_route_set()
    {
        // RFC 3261 16.6 step 6: next hop without lr.
        var (outcome, written) = Route("sip:bob@127.0.0.7", "Route: <sip:127.0.0.1;lr>, <sip:127.0.0.9>, <sip:127.0.0.10;lr>\r\n");

        outcome.Routed.ShouldBeTrue();
        Text(outcome.RequestUri).ShouldBe("sip:127.0.0.9");
        outcome.Destination.ShouldBeNull();
        Lines(written, "Route:").ShouldBe(["Route: <sip:127.0.0.10;lr>", "Route: <sip:bob@127.0.0.7>"]);
    }

    [Fact]
    public void A_route_to_our_address_on_a_port_we_do_not_listen_on_is_not_ours()
    {
        var (outcome, _) = Route("sip:bob@127.0.0.7", "Route: <sip:127.0.0.1:5999;lr>\r\n");

        Text(outcome.Destination).ShouldBe("sip:127.0.0.1:5999;lr");
    }
}
