using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Tests.Sip;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>The script's view of a parsed message: reads by name, edits through splices, the rewritable Request-URI.</summary>
public sealed class SipScriptMessageTests
{
    private const string Invite = """
        INVITE sip:bob@127.0.0.1 SIP/2.0
        v: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK-1
        Max-Forwards: 70
        f: <sip:alice@10.0.0.5>;tag=a
        To: "Bob" <sip:bob@127.0.0.1>
        Call-ID: c1
        CSeq: 5 INVITE
        X-Trace: one
        x-trace: two
        Content-Length: 0


        """;

    [Fact]
    public void Reads_method_uris_and_headers_by_name_compact_forms_included()
    {
        var view = new SipScriptMessage().Reset(SipText.Parse(Invite));

        Encoding.ASCII.GetString(view.Method).ShouldBe("INVITE");
        Encoding.ASCII.GetString(view.RequestUri).ShouldBe("sip:bob@127.0.0.1");
        Encoding.ASCII.GetString(view.FromUri).ShouldBe("sip:alice@10.0.0.5");
        Encoding.ASCII.GetString(view.ToUri).ShouldBe("sip:bob@127.0.0.1");
        view.TryGetHeader("From"u8, out var from).ShouldBeTrue();
        Encoding.ASCII.GetString(from).ShouldBe("<sip:alice@10.0.0.5>;tag=a");
        view.TryGetHeader("Via"u8, out _).ShouldBeTrue();
    }

    [Fact]
    public void A_rewritten_request_uri_is_what_later_tests_see()
    {
        var view = new SipScriptMessage().Reset(SipText.Parse(Invite));

        view.RewriteRequestUri("sip:bob@198.51.100.20:5080"u8);

        view.IsRequestUriRewritten.ShouldBeTrue();
        Encoding.ASCII.GetString(view.RequestUri).ShouldBe("sip:bob@198.51.100.20:5080");
        view.Reset(SipText.Parse(Invite)).IsRequestUriRewritten.ShouldBeFalse();
    }

    [Fact]
    public void Repeated_edits_of_the_same_header_keep_the_first()
    {
        var message = SipText.Parse(Invite);
        var view = new SipScriptMessage().Reset(message);

        view.RemoveHeaders("X-TRACE"u8).ShouldBe(2);
        view.RemoveHeaders("x-trace"u8).ShouldBe(0);
        view.ReplaceHeaderValue("Max-Forwards"u8, "69"u8);
        view.ReplaceHeaderValue("Max-Forwards"u8, "68"u8);
        view.AppendHeaderLine("X-Edge: 1\r\n"u8);

        var written = message.Written();
        written.ShouldNotContain("race");
        written.ShouldContain("Max-Forwards: 69\r\n");
        written.ShouldEndWith("Content-Length: 0\r\nX-Edge: 1\r\n\r\n");
        Encoding.ASCII.GetString(view.Original).ShouldContain("X-Trace: one");
    }
}
