using System.Text;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Core;

public sealed class StatelessRefusalsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_ACK_of_a_refused_re_INVITE_is_recognised_by_its_branch_and_CSeq_number()
    {
        var refusals = new StatelessRefusals(_time);
        refusals.NoteAnswer(Parse(Request("INVITE", "z9hG4bK-reinvite", 3)), "SIP/2.0 407 Proxy Authentication Required\r\n"u8);

        // RFC 3261 17.1.1.3: the ACK of a non-2xx answer has the INVITE's branch and CSeq number.
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-reinvite", 3))).ShouldBeTrue();
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-other", 3))).ShouldBeFalse("an ACK of a 2xx is a new transaction with its own branch");
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-reinvite", 4))).ShouldBeFalse();
    }

    [Fact]
    public void Only_final_refusals_of_INVITEs_inside_a_dialog_are_noted_and_only_for_64_T1()
    {
        var refusals = new StatelessRefusals(_time);
        refusals.NoteAnswer(Parse(Request("INVITE", "z9hG4bK-ok", 5)), "SIP/2.0 200 OK\r\n"u8);
        refusals.NoteAnswer(Parse(Request("INVITE", "z9hG4bK-trying", 6)), "SIP/2.0 100 Trying\r\n"u8);
        refusals.NoteAnswer(Parse(Request("INVITE", "z9hG4bK-initial", 7, toTag: null)), "SIP/2.0 407 Proxy Authentication Required\r\n"u8);
        refusals.NoteAnswer(Parse(Request("INVITE", "z9hG4bK-busy", 8)), "SIP/2.0 486 Busy Here\r\n"u8);

        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-ok", 5))).ShouldBeFalse();
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-trying", 6))).ShouldBeFalse();
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-initial", 7))).ShouldBeFalse("outside a dialog the derived To tag does the work");
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-busy", 8))).ShouldBeTrue();

        _time.Advance(TimeSpan.FromSeconds(33));
        refusals.Acknowledges(Parse(Request("ACK", "z9hG4bK-busy", 8))).ShouldBeFalse("Timer H (64*T1) has passed");
    }

    private static string Request(string method, string branch, int cseq, string? toTag = "callee-tag") =>
        $"{method} sip:1001@198.51.100.7:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 198.51.100.8:5060;branch={branch}\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@example.org>;tag=caller-tag\r\n" +
        $"To: <sip:1001@example.org>{(toTag is null ? "" : ";tag=" + toTag)}\r\n" +
        "Call-ID: dialog-1@198.51.100.8\r\n" +
        $"CSeq: {cseq} {method}\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }
}
