using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Dialog;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Modules.Dialog;

/// <summary>
/// The BYEs the proxy sends to end a dialog from the middle. Expected headers follow RFC 3261: a request
/// within a dialog (12.2.1.1) takes its Request-URI from the remote target, its Route from the route set,
/// From and To from the local and remote identities with their tags, CSeq one above the local sequence
/// number; a UAS's route set is the INVITE's Record-Route in order (12.1.1), a UAC's the 2xx's in reverse
/// (12.1.2). The proxy sits between P1 (the caller's side) and P2 (the callee's side), as 127.0.0.1:5060.
/// </summary>
public sealed class InDialogByeTests
{
    private const string CallId = "a84b4c76e66710@pc33.atlanta.example.com";
    private const string Alice = "Alice <sip:alice@atlanta.example.com>;tag=1928301774";
    private const string Bob = "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf";
    private static readonly LocalUriTest IsThisProxy = (host, port) => host.SequenceEqual("127.0.0.1"u8) && port == 5060;
    private static readonly ReceiveInfo FromP1 = Received("127.0.0.21", 5060);
    private static readonly ReceiveInfo FromP2 = Received("127.0.0.22", 5060);

    [Fact]
    public void The_BYE_to_the_callee_looks_sent_by_the_caller_and_follows_the_callee_side_route()
    {
        var dialog = ConfirmedThroughTwoProxies();

        var bye = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();

        bye.RequestUri.ShouldBe("sip:bob@client.biloxi.example.com", "the callee's Contact in its 2xx is the remote target");
        bye.Route.ShouldBe(["<sip:p2.biloxi.example.com;lr>"], "the 2xx's Record-Route above this proxy's, reversed");
        bye.From.ShouldBe(Alice);
        bye.To.ShouldBe(Bob);
        bye.CallId.ShouldBe(CallId);
        bye.CSeq.ShouldBe(314160, "the caller's INVITE was 314159");
        bye.NextHop.ShouldBe("sip:p2.biloxi.example.com;lr", "loose routing: the first Route is the next hop");
    }

    [Fact]
    public void The_BYE_to_the_caller_looks_sent_by_the_callee_and_follows_the_caller_side_route()
    {
        var dialog = ConfirmedThroughTwoProxies();

        var bye = InDialogByePlanner.Plan(dialog, towardCallee: false, IsThisProxy).ShouldNotBeNull();

        bye.RequestUri.ShouldBe("sip:alice@pc33.atlanta.example.com", "the caller's Contact in its INVITE is the remote target");
        bye.Route.ShouldBe(["<sip:p1.example.net;lr>"], "the INVITE's Record-Route, in order, as received");
        bye.From.ShouldBe(Bob);
        bye.To.ShouldBe(Alice);
        bye.CSeq.ShouldBeInRange(1, int.MaxValue, "a callee that never sent a request may start anywhere below 2**31 (8.1.1.5)");
        bye.NextHop.ShouldBe("sip:p1.example.net;lr");
    }

    [Fact]
    public void Without_other_proxies_each_BYE_goes_to_the_address_the_party_sent_from_with_its_Contact_as_Request_URI()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());
        var dialog = tracker.GetOrCreate("nat-call", "c1");
        DialogRecorder.Record(dialog, Parse(
            "INVITE sip:callee@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
            + "From: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:callee@127.0.0.1>\r\nCall-ID: nat-call\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:caller@10.0.0.5:5060>\r\nContent-Length: 0\r\n\r\n"), Received("127.0.0.9", 40000));
        Answer(dialog, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKp\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
            + "Record-Route: <sip:127.0.0.1:5060;lr>\r\nFrom: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:callee@127.0.0.1>;tag=e2\r\n"
            + "Call-ID: nat-call\r\nCSeq: 1 INVITE\r\nContact: <sip:callee@127.0.0.10:5070>\r\nContent-Length: 0\r\n\r\n", Received("127.0.0.10", 5070), "e2");
        DialogRecorder.Record(dialog, Parse(
            "ACK sip:callee@127.0.0.10:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK2\r\nRoute: <sip:127.0.0.1:5060;lr>\r\n"
            + "From: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:callee@127.0.0.1>;tag=e2\r\nCall-ID: nat-call\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"), Received("127.0.0.9", 40000));

        var toCaller = InDialogByePlanner.Plan(dialog, towardCallee: false, IsThisProxy).ShouldNotBeNull();
        var toCallee = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();

        toCaller.RequestUri.ShouldBe("sip:caller@10.0.0.5:5060", "the phone expects its own Contact");
        toCaller.Route.ShouldBeEmpty("this proxy's own Record-Route is where the BYE starts");
        toCaller.NextHop.ShouldBe("sip:127.0.0.9:40000", "behind a NAT only the address its packets came from reaches it");
        toCallee.Route.ShouldBeEmpty();
        toCallee.NextHop.ShouldBe("sip:127.0.0.10:5070");
        toCallee.CSeq.ShouldBe(2, "the ACK repeats the INVITE's number; the caller's next request is 2");
    }

    [Fact]
    public void Requests_within_the_dialog_raise_their_sender_s_CSeq_and_a_re_INVITE_refreshes_its_target()
    {
        var dialog = ConfirmedThroughTwoProxies();
        DialogRecorder.Record(dialog, Parse(
            "INVITE sip:alice@pc33.atlanta.example.com SIP/2.0\r\nVia: SIP/2.0/UDP p2.biloxi.example.com;branch=z9hG4bKr\r\n"
            + "Route: <sip:127.0.0.1:5060;lr>, <sip:p1.example.net;lr>\r\n"
            + $"From: {Bob}\r\nTo: {Alice}\r\nCall-ID: {CallId}\r\nCSeq: 7 INVITE\r\nContact: <sip:bob@moved.biloxi.example.com>\r\nContent-Length: 0\r\n\r\n"), FromP2);

        var toCaller = InDialogByePlanner.Plan(dialog, towardCallee: false, IsThisProxy).ShouldNotBeNull();
        var toCallee = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();

        toCaller.CSeq.ShouldBe(8, "the callee's last request was 7");
        toCallee.RequestUri.ShouldBe("sip:bob@moved.biloxi.example.com", "a target refresh request replaces the remote target (12.2.2)");
        toCallee.Route.ShouldBe(["<sip:p2.biloxi.example.com;lr>"], "the route set is fixed when the dialog is made (12.2)");
    }

    [Fact]
    public void Planning_a_second_BYE_in_the_same_name_takes_the_next_number()
    {
        var dialog = ConfirmedThroughTwoProxies();

        var first = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();
        var second = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();

        second.CSeq.ShouldBe(first.CSeq + 1, "CSeq numbers of a UA's requests in a dialog strictly increase (12.2.1.1)");
    }

    [Fact]
    public void An_early_dialog_gets_no_BYE()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());
        var dialog = tracker.GetOrCreate(CallId, "1928301774");
        DialogRecorder.Record(dialog, Parse(Invite()), FromP1);

        InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldBeNull("a BYE needs the callee's tag and Contact (15: CANCEL, not BYE, ends an unanswered INVITE)");
        InDialogByePlanner.Plan(dialog, towardCallee: false, IsThisProxy).ShouldBeNull();
    }

    [Fact]
    public void The_written_BYE_carries_the_planned_headers_under_this_proxy_s_Via()
    {
        var dialog = ConfirmedThroughTwoProxies();
        var bye = InDialogByePlanner.Plan(dialog, towardCallee: true, IsThisProxy).ShouldNotBeNull();

        var bytes = InDialogByeWriter.Write(bye, "UDP"u8, "127.0.0.1:5060"u8, "z9hG4bKend1");

        var text = Encoding.UTF8.GetString(bytes);
        text.ShouldBe(
            "BYE sip:bob@client.biloxi.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKend1;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "Route: <sip:p2.biloxi.example.com;lr>\r\n"
            + $"From: {Alice}\r\n"
            + $"To: {Bob}\r\n"
            + $"Call-ID: {CallId}\r\n"
            + "CSeq: 314160 BYE\r\n"
            + "Content-Length: 0\r\n\r\n");
        var parsed = Parse(text);
        parsed.Method.ShouldBe(SipMethod.Bye);
        parsed.TryGetCSeq(out var cseq).ShouldBeTrue();
        cseq.Method.ShouldBe(SipMethod.Bye);
    }

    /// <summary>Alice's INVITE reached this proxy through P1; Bob's 2xx came back through P2 (RFC 3665 section 3.2's shape).</summary>
    private static SipDialog ConfirmedThroughTwoProxies()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());
        var dialog = tracker.GetOrCreate(CallId, "1928301774");
        DialogRecorder.Record(dialog, Parse(Invite()), FromP1);
        Answer(dialog,
            "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKus\r\n"
            + "Via: SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1\r\n"
            + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
            + "Record-Route: <sip:p2.biloxi.example.com;lr>\r\n"
            + "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
            + "Record-Route: <sip:p1.example.net;lr>\r\n"
            + $"From: {Alice}\r\nTo: {Bob}\r\nCall-ID: {CallId}\r\nCSeq: 314159 INVITE\r\n"
            + "Contact: <sip:bob@client.biloxi.example.com>\r\nContent-Length: 0\r\n\r\n",
            FromP2,
            "a6c85cf");
        return dialog;
    }

    private static string Invite() =>
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1\r\n"
        + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
        + "Max-Forwards: 69\r\n"
        + "Record-Route: <sip:p1.example.net;lr>\r\n"
        + $"From: {Alice}\r\nTo: Bob <sip:bob@biloxi.example.com>\r\nCall-ID: {CallId}\r\nCSeq: 314159 INVITE\r\n"
        + "Contact: <sip:alice@pc33.atlanta.example.com>\r\nContent-Length: 0\r\n\r\n";

    private static void Answer(SipDialog dialog, string text, ReceiveInfo from, string calleeTag)
    {
        DialogRecorder.Record(dialog, Parse(text), from);
        DialogTracker.Confirm(dialog, calleeTag);
    }

    private static ReceiveInfo Received(string address, int port) =>
        ReceiveInfo.From(new IPEndPoint(IPAddress.Parse(address), port), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }
}
