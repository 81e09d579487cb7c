using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Tests.Sip.Writing;

public class SipMessageWriterTests
{
    private const string Invite = """
        INVITE sip:bob@biloxi.example.com SIP/2.0
        Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
        Max-Forwards: 70
        To: Bob <sip:bob@biloxi.example.com>
        From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com
        CSeq: 314159 INVITE
        X-Odd-Header :   kept   exactly
        Contact: <sip:alice@192.0.2.101:5060>
        Content-Type: application/sdp
        Content-Length: 4

        v=0

        """;

    [Fact]
    public void No_edits_write_the_received_bytes()
    {
        SipMessage message = SipText.Parse(Invite);

        message.Written().ShouldBe(SipText.Parse(Invite).Str(new TextRange(0, message.Data.Length)));
    }

    [Fact]
    public void Via_push_and_record_route_insert_leave_everything_else_untouched()
    {
        SipMessage message = SipText.Parse(Invite);

        SipMessageWriter.PushVia(message, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1"u8);
        SipMessageWriter.InsertRecordRoute(message, "<sip:proxy.example.com;lr>"u8);

        message.Written().ShouldBe(
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1\r\n"
            + "Record-Route: <sip:proxy.example.com;lr>\r\n"
            + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: Bob <sip:bob@biloxi.example.com>\r\n"
            + "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "X-Odd-Header :   kept   exactly\r\n"
            + "Contact: <sip:alice@192.0.2.101:5060>\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: 4\r\n"
            + "\r\n"
            + "v=0\r");
    }

    [Fact]
    public void Record_route_goes_on_top_of_an_existing_list()
    {
        SipMessage message = SipText.Parse("""
            INVITE sip:bob@example.com SIP/2.0
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
            Record-Route: <sip:first.example.com;lr>
            Content-Length: 0


            """);

        SipMessageWriter.InsertRecordRoute(message, "<sip:second.example.com;lr>"u8);

        message.Written().ShouldContain("Record-Route: <sip:second.example.com;lr>\r\nRecord-Route: <sip:first.example.com;lr>\r\n");
    }

    [Fact]
    public void Pop_via_removes_the_line_or_only_the_first_value()
    {
        const string response = """
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp, SIP/2.0/UDP a.example.com;branch=z9hG4bKa
            v: SIP/2.0/UDP b.example.com;branch=z9hG4bKb
            Content-Length: 0


            """;
        SipMessage message = SipText.Parse(response);

        SipMessageWriter.PopVia(message).ShouldBeTrue();

        message.Written().ShouldBe("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bKa\r\nv: SIP/2.0/UDP b.example.com;branch=z9hG4bKb\r\nContent-Length: 0\r\n\r\n");

        SipMessage popped = SipText.Parse(message.Written());
        SipMessageWriter.PopVia(popped).ShouldBeTrue();
        popped.Written().ShouldBe("SIP/2.0 200 OK\r\nv: SIP/2.0/UDP b.example.com;branch=z9hG4bKb\r\nContent-Length: 0\r\n\r\n");
    }

    [Fact]
    public void Header_removal_and_append()
    {
        SipMessage message = SipText.Parse("""
            REGISTER sip:example.com SIP/2.0
            Authorization: Digest username="a", realm="r", nonce="n", uri="sip:example.com", response="x"
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1
            Authorization: Digest username="b", realm="s", nonce="n", uri="sip:example.com", response="y"
            Content-Length: 0


            """);

        SipMessageWriter.RemoveHeaders(message, HeaderId.Authorization).ShouldBe(2);
        SipMessageWriter.AppendHeader(message, "Path"u8, "<sip:edge.example.com;lr>"u8);

        message.Written().ShouldBe("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\nContent-Length: 0\r\nPath: <sip:edge.example.com;lr>\r\n\r\n");
    }

    [Fact]
    public void Contact_rewrite_replaces_only_the_uri()
    {
        SipMessage message = SipText.Parse(Invite);
        var contacts = message.GetContacts();
        contacts.MoveNext().ShouldBeTrue();

        SipMessageWriter.Replace(message, contacts.Current.Uri, "sip:alice@203.0.113.9:40000"u8);

        message.Written().ShouldContain("\r\nContact: <sip:alice@203.0.113.9:40000>\r\n");
    }

    [Fact]
    public void Body_replacement_fixes_content_length()
    {
        SipMessage message = SipText.Parse(Invite);

        SipMessageWriter.ReplaceBody(message, "v=0\r\no=- 1 1 IN IP4 203.0.113.9\r\n"u8);

        string written = message.Written();
        written.ShouldContain("\r\nContent-Length: 33\r\n\r\nv=0\r\no=- 1 1 IN IP4 203.0.113.9\r\n");
        SipMessage reparsed = SipText.Parse(written);
        reparsed.Body.Length.ShouldBe(33);
    }

    [Fact]
    public void Body_replacement_adds_content_length_when_missing()
    {
        SipMessage message = SipText.Parse("MESSAGE sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\nold");

        SipMessageWriter.ReplaceBody(message, "new body"u8);

        message.Written().ShouldBe("MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 8\r\n\r\nnew body");
    }

    [Fact]
    public void Received_and_rport_stamp_on_forwarded_request()
    {
        SipMessage message = SipText.Parse("""
            OPTIONS sip:b@example.com SIP/2.0
            Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK1
            Content-Length: 0


            """);

        ViaReceivedStamp.Apply(message, "198.51.100.20"u8, 61000).ShouldBeTrue();

        message.Written().ShouldContain("Via: SIP/2.0/UDP 10.0.0.5:5060;rport=61000;branch=z9hG4bK1;received=198.51.100.20\r\n");
    }

    [Fact]
    public void Received_is_not_added_when_sent_by_matches_the_source_and_rport_is_absent()
    {
        SipMessage message = SipText.Parse("OPTIONS sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK1\nContent-Length: 0\n\n");

        ViaReceivedStamp.Apply(message, "192.0.2.5"u8, 5060).ShouldBeTrue();

        message.HasEdits.ShouldBeFalse();
    }
}
