using System.Text;
using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Tests.Transactions;

// RFC 3261 section 17.2.3 (server matching, with the RFC 2543 fallback) and 17.1.3 (client matching).
public sealed class TransactionKeyTests
{
    private static byte[] Server(string method, string branch, string host, string port)
    {
        var buffer = new byte[TransactionKey.StackLimit];
        var written = TransactionKey.WriteRfc3261(buffer, Bytes(method), Bytes(branch), Bytes(host), Bytes(port));
        written.ShouldBe(TransactionKey.Rfc3261Length(Bytes(method), Bytes(branch), Bytes(host), Bytes(port)));
        return buffer[..written];
    }

    private static byte[] Legacy(string method, string uri, string fromTag, string callId, string cseq, string via)
    {
        var buffer = new byte[TransactionKey.StackLimit];
        var written = TransactionKey.WriteRfc2543(buffer, Bytes(method), Bytes(uri), Bytes(fromTag), Bytes(callId), Bytes(cseq), Bytes(via));
        written.ShouldBe(TransactionKey.Rfc2543Length(Bytes(method), Bytes(uri), Bytes(fromTag), Bytes(callId), Bytes(cseq), Bytes(via)));
        return buffer[..written];
    }

    private static byte[] Client(string method, string branch)
    {
        var buffer = new byte[TransactionKey.StackLimit];
        var written = TransactionKey.WriteClient(buffer, Bytes(method), Bytes(branch));
        written.ShouldBe(TransactionKey.ClientLength(Bytes(method), Bytes(branch)));
        return buffer[..written];
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    [Theory]
    [InlineData("z9hG4bK776asdhds", true)]
    [InlineData("z9hG4bK", true)]
    [InlineData("Z9HG4BK776asdhds", false)]
    [InlineData("776asdhds", false)]
    [InlineData("", false)]
    public void The_magic_cookie_marks_an_rfc3261_branch(string branch, bool expected)
        => TransactionKey.HasMagicCookie(Bytes(branch)).ShouldBe(expected);

    [Fact]
    public void An_ack_matches_the_invite_transaction()
        => Server("ACK", "z9hG4bK1", "10.0.0.1", "5060").ShouldBe(Server("INVITE", "z9hG4bK1", "10.0.0.1", "5060"));

    [Fact]
    public void A_cancel_has_its_own_transaction_with_the_same_branch()
        => Server("CANCEL", "z9hG4bK1", "10.0.0.1", "5060").ShouldNotBe(Server("INVITE", "z9hG4bK1", "10.0.0.1", "5060"));

    [Fact]
    public void The_sent_by_host_compares_case_insensitively()
        => Server("INVITE", "z9hG4bK1", "PC33.Atlanta.COM", "").ShouldBe(Server("INVITE", "z9hG4bK1", "pc33.atlanta.com", ""));

    [Theory]
    [InlineData("INVITE", "z9hG4bK2", "pc33.atlanta.com", "5060", "a different branch")]
    [InlineData("INVITE", "Z9hG4bK1", "pc33.atlanta.com", "5060", "the branch compares case-sensitively")]
    [InlineData("INVITE", "z9hG4bK1", "pc34.atlanta.com", "5060", "another sent-by host")]
    [InlineData("INVITE", "z9hG4bK1", "pc33.atlanta.com", "5061", "another sent-by port")]
    [InlineData("OPTIONS", "z9hG4bK1", "pc33.atlanta.com", "5060", "another method")]
    public void Each_field_of_the_rfc3261_key_counts(string method, string branch, string host, string port, string reason)
        => Server(method, branch, host, port).ShouldNotBe(Server("INVITE", "z9hG4bK1", "pc33.atlanta.com", "5060"), reason);

    [Fact]
    public void A_legacy_ack_matches_its_invite_although_it_carries_the_to_tag_of_the_answer()
        => Legacy("ACK", "sip:bob@biloxi.com", "1928301774", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc33.atlanta.com")
            .ShouldBe(Legacy("INVITE", "sip:bob@biloxi.com", "1928301774", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc33.atlanta.com"));

    [Theory]
    [InlineData("sip:carol@biloxi.com", "1928301774", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc33.atlanta.com", "Request-URI")]
    [InlineData("sip:bob@biloxi.com", "99", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc33.atlanta.com", "From tag")]
    [InlineData("sip:bob@biloxi.com", "1928301774", "other", "314159", "SIP/2.0/UDP pc33.atlanta.com", "Call-ID")]
    [InlineData("sip:bob@biloxi.com", "1928301774", "a84b4c76e66710", "314160", "SIP/2.0/UDP pc33.atlanta.com", "CSeq number")]
    [InlineData("sip:bob@biloxi.com", "1928301774", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc34.atlanta.com", "top Via")]
    public void Each_field_of_the_rfc2543_key_counts(string uri, string fromTag, string callId, string cseq, string via, string field)
        => Legacy("INVITE", uri, fromTag, callId, cseq, via)
            .ShouldNotBe(Legacy("INVITE", "sip:bob@biloxi.com", "1928301774", "a84b4c76e66710", "314159", "SIP/2.0/UDP pc33.atlanta.com"), field);

    [Fact]
    public void Fields_cannot_run_into_each_other()
        => Legacy("INVITE", "sip:a", "bc", "d", "1", "v").ShouldNotBe(Legacy("INVITE", "sip:ab", "c", "d", "1", "v"));

    [Fact]
    public void Legacy_and_rfc3261_keys_never_collide()
        => Legacy("INVITE", "z9hG4bK1", "h", "p", "", "").Take(1).ShouldNotBe(Server("INVITE", "z9hG4bK1", "h", "p").Take(1));

    [Fact]
    public void A_client_key_tells_the_invite_from_its_cancel()
        => Client("CANCEL", "z9hG4bKabc").ShouldNotBe(Client("INVITE", "z9hG4bKabc"));
}
