using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Modules.Dialog;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Tests.Transactions.Proxying;
using NatEdge.Proxy.Tests.Transactions;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Tests.Modules.Dialog;

/// <summary>
/// The BYEs that end a dialog travel as non-INVITE client transactions (RFC 3261 section 17.1.2): over UDP
/// each is retransmitted from T1 (Timer E) until a final answer, given up after 64*T1 (Timer F), and the
/// transaction leaves the table at the end. Recording channels on a fake clock stand for the sockets.
/// </summary>
public sealed class DialogTerminatorTests : IDisposable
{
    private static readonly LocalUriTest IsThisProxy = (host, port) => host.SequenceEqual("127.0.0.1"u8) && port == 5060;
    private readonly ProxyHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Each_party_gets_a_BYE_retransmitted_until_it_answers_and_the_transactions_end()
    {
        var terminator = new DialogTerminator(_harness.Resolver, IsThisProxy, _harness.Proxy, NullLogger.Instance);

        terminator.SendByes(ConfirmedDialog(), "media expired").ShouldBe(2);

        var callee = _harness.Downstream("127.0.0.10:5070");
        var caller = _harness.Downstream("127.0.0.9:40000");
        ProxyHarness.StartLine(callee.Sent.ShouldHaveSingleItem().Message).ShouldBe("BYE sip:callee@127.0.0.10:5070 SIP/2.0");
        ProxyHarness.StartLine(caller.Sent.ShouldHaveSingleItem().Message).ShouldBe("BYE sip:caller@10.0.0.5:5060 SIP/2.0");
        _harness.Proxy.ClientTransactionCount.ShouldBe(2);

        _harness.Clock.RunFor(TimeSpan.FromMilliseconds(500));
        callee.Sent.Count.ShouldBe(2, "Timer E fires first at T1");
        _harness.Proxy.ReceiveResponse(ProxyHarness.Parse(ProxyHarness.Answer(callee.Sent[0].Message, 200, reason: "OK"))).ShouldBe(ResponseResult.Handled);

        _harness.Clock.RunFor(TimeSpan.FromSeconds(4));
        callee.Sent.Count.ShouldBe(2, "a final answer stops the retransmissions");
        caller.SendTimes.ShouldBe(Seconds.Of(0, 0.5, 1.5, 3.5), "E doubles: T1, 2*T1, 4*T1");

        _harness.Clock.RunFor(TimeSpan.FromSeconds(32));
        _harness.Proxy.ClientTransactionCount.ShouldBe(0, "Timer K ended the answered one, Timer F the silent one");
    }

    [Fact]
    public void Without_a_transaction_layer_each_BYE_is_sent_once()
    {
        var terminator = new DialogTerminator(_harness.Resolver, IsThisProxy, transactions: null, NullLogger.Instance);

        terminator.SendByes(ConfirmedDialog(), "media expired").ShouldBe(2);
        _harness.Clock.RunFor(TimeSpan.FromSeconds(2));

        _harness.Downstream("127.0.0.10:5070").Sent.ShouldHaveSingleItem();
        _harness.Downstream("127.0.0.9:40000").Sent.ShouldHaveSingleItem();
    }

    [Fact]
    public void An_unanswered_dialog_gets_no_BYE()
    {
        var terminator = new DialogTerminator(_harness.Resolver, IsThisProxy, _harness.Proxy, NullLogger.Instance);
        var dialog = new DialogTracker(_harness.Clock.Time).GetOrCreate("early", "c1");

        terminator.SendByes(dialog, "media expired").ShouldBe(0);
        _harness.Proxy.ClientTransactionCount.ShouldBe(0);
    }

    /// <summary>A caller behind a NAT (Contact 10.0.0.5, packets from 127.0.0.9:40000) and a callee at 127.0.0.10:5070, through this proxy alone.</summary>
    private SipDialog ConfirmedDialog()
    {
        var dialog = new DialogTracker(_harness.Clock.Time).GetOrCreate("nat-call", "c1");
        DialogRecorder.Record(dialog, Parse(
            "INVITE sip:callee@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
            + "From: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:callee@127.0.0.1>\r\nCall-ID: nat-call\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:caller@10.0.0.5:5060>\r\nContent-Length: 0\r\n\r\n"), Received("127.0.0.9", 40000));
        DialogRecorder.Record(dialog, Parse(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKp\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n"
            + "Record-Route: <sip:127.0.0.1:5060;lr>\r\nFrom: <sip:caller@127.0.0.1>;tag=c1\r\nTo: <sip:callee@127.0.0.1>;tag=e2\r\n"
            + "Call-ID: nat-call\r\nCSeq: 1 INVITE\r\nContact: <sip:callee@127.0.0.10:5070>\r\nContent-Length: 0\r\n\r\n"), Received("127.0.0.10", 5070));
        DialogTracker.Confirm(dialog, "e2");
        return dialog;
    }

    private static ReceiveInfo Received(string address, int port) =>
        ReceiveInfo.From(new IPEndPoint(IPAddress.Parse(address), port), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }
}
