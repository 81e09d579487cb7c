using System.Buffers;
using System.Text;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Proxy.Tests.Transactions;
using NatEdge.Proxy.Tests.Transactions.Proxying;
using static NatEdge.Proxy.Tests.Transactions.Proxying.ProxyHarness;

namespace NatEdge.Proxy.Tests.Modules.Rr;

// record_route() and record_route_preset(): route-script.md section 5 (SER 0.9 rr), RFC 3261 16.6 step 4.
public sealed class RecordRouteHeaderTests : IDisposable
{
    private static readonly SipInterface UdpIn = new("UDP"u8.ToArray(), "127.0.0.1:5060"u8.ToArray());
    private readonly FakeClock _clock = new();

    public void Dispose() => _clock.Dispose();

    private NextHop Hop(string transport, string sentBy)
        => new(new RecordingChannel(_clock), Encoding.ASCII.GetBytes(transport), Encoding.ASCII.GetBytes(sentBy));

    private static string[] Written(IBranchHeaderWriter header, in NextHop hop)
    {
        var output = new ArrayBufferWriter<byte>();
        header.WriteHeaders(hop, output);
        return Encoding.ASCII.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Record_route_names_the_inbound_interface_with_the_request_user_the_from_tag_and_lr()
    {
        var header = RecordRouteHeader.ForInterface(Parse(Request("INVITE")), UdpIn);

        Written(header, Hop("UDP", "127.0.0.1:5060")).ShouldBe(["Record-Route: <sip:1001@127.0.0.1:5060;ftag=caller-tag;lr>"]);
    }

    [Fact]
    public void Full_lr_writes_lr_on_and_append_fromtag_off_leaves_the_tag_out()
    {
        var settings = new RecordRouteSettings { FullLr = true, AppendFromTag = false };
        var header = RecordRouteHeader.ForInterface(Parse(Request("INVITE")), UdpIn, settings);

        Written(header, Hop("UDP", "127.0.0.1:5060")).ShouldBe(["Record-Route: <sip:1001@127.0.0.1:5060;lr=on>"]);
    }

    [Fact]
    public void A_request_uri_without_user_gives_an_entry_without_user()
    {
        var header = RecordRouteHeader.ForInterface(Parse(Request("OPTIONS", uri: "sip:proxy.test")), UdpIn);

        Written(header, Hop("UDP", "127.0.0.1:5060")).ShouldBe(["Record-Route: <sip:127.0.0.1:5060;ftag=caller-tag;lr>"]);
    }

    [Fact]
    public void Crossing_from_udp_to_tcp_writes_two_entries_the_outgoing_one_on_top()
    {
        var header = RecordRouteHeader.ForInterface(Parse(Request("INVITE")), UdpIn);

        Written(header, Hop("TCP", "127.0.0.1:5070")).ShouldBe(
        [
            "Record-Route: <sip:1001@127.0.0.1:5070;transport=tcp;r2=on;ftag=caller-tag;lr>",
            "Record-Route: <sip:1001@127.0.0.1:5060;r2=on;ftag=caller-tag;lr>",
        ]);
    }

    [Fact]
    public void Without_double_record_route_one_entry_is_written_even_across_transports()
    {
        var header = RecordRouteHeader.ForInterface(Parse(Request("INVITE")), UdpIn, new RecordRouteSettings { DoubleRecordRoute = false });

        Written(header, Hop("TCP", "127.0.0.1:5070")).ShouldBe(["Record-Route: <sip:1001@127.0.0.1:5060;ftag=caller-tag;lr>"]);
    }

    [Fact]
    public void A_preset_goes_verbatim_after_sip_and_before_ftag_and_lr()
    {
        var header = RecordRouteHeader.FromPreset(Parse(Request("INVITE")), "127.0.0.1:5060;nat=yes"u8);

        Written(header, Hop("TCP", "127.0.0.1:5070")).ShouldBe(["Record-Route: <sip:1001@127.0.0.1:5060;nat=yes;ftag=caller-tag;lr>"]);
    }

    [Fact]
    public void The_proxy_puts_the_entry_after_its_via_and_above_earlier_record_routes_on_every_branch()
    {
        using var harness = new ProxyHarness();
        var request = Parse(Request("INVITE", extra: "Record-Route: <sip:127.0.0.20;lr>\r\n"));
        var header = RecordRouteHeader.ForInterface(request, UdpIn);
        var hooks = new RelayHooks(OnFailure: (context, _) => context.Fork([new RelayTarget("sip:1001@127.0.0.3:5060"u8.ToArray())]));

        harness.Proxy.Relay(request, harness.Caller, [new RelayTarget("sip:1001@127.0.0.2:5060"u8.ToArray())], hooks, 0, out _, header)
            .ShouldBe(RelayResult.Forwarded);
        harness.Respond("127.0.0.2:5060", 0, 404);

        foreach (var host in new[] { "127.0.0.2:5060", "127.0.0.3:5060" })
        {
            var lines = harness.Downstream(host).Sent[0].Message.Split("\r\n");
            lines[1].ShouldStartWith("Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK");
            lines[2].ShouldBe("Record-Route: <sip:1001@127.0.0.1:5060;ftag=caller-tag;lr>");
            Lines(harness.Downstream(host).Sent[0].Message, "Record-Route:").Length.ShouldBe(2);
        }
    }
}
