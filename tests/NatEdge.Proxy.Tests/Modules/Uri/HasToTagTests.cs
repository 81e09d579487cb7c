using NatEdge.Proxy.Tests.Routing;

namespace NatEdge.Proxy.Tests.Modules.Uri;

/// <summary>
/// has_totag() tells in-dialog requests from initial ones: RFC 3261 section 12.2.1.1 puts the
/// remote tag in To for every request inside a dialog, and section 8.1.1.2 leaves it out of an
/// initial request.
/// </summary>
public sealed class HasToTagTests
{
    private const string Script = """
        listen=udp:127.0.0.1:5060
        loadmodule "sl.so"
        loadmodule "uri.so"
        route {
            if (has_totag()) {
                sl_send_reply("299", "In Dialog");
                break;
            };
            sl_send_reply("298", "Initial");
        }
        """;

    [Theory]
    [InlineData("To: <sip:bob@127.0.0.1>;tag=b-77", "SIP/2.0 299 In Dialog")]
    [InlineData("To: \"Bob\" <sip:bob@127.0.0.1>;x=1;tag=9", "SIP/2.0 299 In Dialog")]
    [InlineData("t: sip:bob@127.0.0.1;tag=c", "SIP/2.0 299 In Dialog")]
    [InlineData("To: <sip:bob@127.0.0.1>", "SIP/2.0 298 Initial")]
    [InlineData("To: <sip:bob@127.0.0.1;tag=in-uri-not-header>", "SIP/2.0 298 Initial")]
    public void A_tag_on_the_to_header_marks_the_request_in_dialog(string to, string expectedStatusLine)
    {
        var harness = new ScriptHarness(Script);

        harness.Request($"""
            BYE sip:bob@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-bye1
            Max-Forwards: 70
            From: <sip:alice@127.0.0.1>;tag=a-1
            {to}
            Call-ID: dialog-1@10.0.0.5
            CSeq: 2 BYE
            Content-Length: 0


            """);

        harness.Replies.ShouldHaveSingleItem().Split("\r\n")[0].ShouldBe(expectedStatusLine);
    }
}
