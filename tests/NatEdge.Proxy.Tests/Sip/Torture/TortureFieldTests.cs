using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Tests.Sip.Torture;

/// <summary>Key fields of the valid torture messages read as RFC 4475 section 3.1.1 describes them.</summary>
public class TortureFieldTests
{
    private static SipMessage Parse(string name) => TortureTests.ParseFile(name);

    [Fact]
    public void Wsinv_folding_compact_forms_and_odd_case()
    {
        SipMessage m = Parse("wsinv");

        m.Method.ShouldBe(SipMethod.Invite);
        m.Str(m.RequestUri).ShouldBe("sip:vivekg@chair-dnrc.example.com;unknownparam");
        m.TryGetTo(out SipNameAddr to).ShouldBeTrue();
        m.Str(to.Tag).ShouldBe("1918181833n");
        m.Str(to.Uri).ShouldBe("sip:vivekg@chair-dnrc.example.com");
        m.TryGetFrom(out SipNameAddr from).ShouldBeTrue();
        m.Str(from.DisplayName).ShouldBe("J Rosenberg \\\\\\\"");
        m.Str(from.Tag).ShouldBe("98asjd8");
        m.TryGetMaxForwards(out int maxForwards).ShouldBeTrue();
        maxForwards.ShouldBe(68);
        m.Str(m.CallId).ShouldBe("wsinv.ndaksdj@192.0.2.1");
        m.ContentLength.ShouldBe(150);
        m.Body.Length.ShouldBe(150);
        m.TryGetCSeq(out SipCSeq cseq).ShouldBeTrue();
        cseq.Number.ShouldBe(9u);
        cseq.Method.ShouldBe(SipMethod.Invite);

        var vias = new List<SipVia>();
        var values = m.GetValues(HeaderId.Via);
        while (values.MoveNext())
        {
            NatEdge.Proxy.Sip.Parsing.ViaParser.TryParse(m.Span, values.Current, out SipVia via).ShouldBeTrue();
            vias.Add(via);
        }

        vias.Count.ShouldBe(3);
        (m.Str(vias[0].Host), vias[0].Transport, m.Str(vias[0].Branch)).ShouldBe(("192.0.2.2", SipTransport.Udp, "390skdjuw"));
        (m.Str(vias[1].Host), vias[1].Transport, m.Str(vias[1].Branch)).ShouldBe(("spindle.example.com", SipTransport.Tcp, "z9hG4bK9ikj8"));
        (m.Str(vias[2].Host), vias[2].Transport, m.Str(vias[2].Branch)).ShouldBe(("192.168.255.111", SipTransport.Udp, "z9hG4bK30239"));

        m.Str(m.GetFirstValue(HeaderId.Subject)).ShouldBe(string.Empty);
        m.Str(m.GetHeader(m.IndexOf("NewFangledHeader"u8)).Value).ShouldBe("newfangled value\r\n continued newfangled value");
        m.Str(m.GetHeader(m.IndexOf("UnknownHeaderWithUnusualValue"u8)).Value).ShouldBe(";;,,;;,;");

        var contacts = m.GetContacts();
        contacts.MoveNext().ShouldBeTrue();
        m.Str(contacts.Current.DisplayName).ShouldBe("Quoted string \\\"\\\"");
        m.Str(contacts.Current.Uri).ShouldBe("sip:jdrosen@example.com");
        contacts.Current.QualityThousandths.ShouldBe(330);
        contacts.MoveNext().ShouldBeFalse();

        var routes = m.GetNameAddrs(HeaderId.Route);
        routes.MoveNext().ShouldBeTrue();
        m.Str(routes.Current.ParsedUri.Parameters).ShouldBe("lr;unknownwith=value;unknown-no-value");
    }

    [Fact]
    public void Intmeth_keeps_the_extension_method_and_unusual_characters()
    {
        SipMessage m = Parse("intmeth");

        m.Method.ShouldBe(SipMethod.Extension);
        m.Str(m.MethodName).ShouldBe("!interesting-Method0123456789_*+`.%indeed'~");
        m.TryGetRequestUri(out SipUri uri).ShouldBeTrue();
        m.Str(uri.User).ShouldBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
        m.Str(uri.Password).ShouldBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
        m.Str(uri.Host).ShouldBe("example.com");
        m.TryGetTopVia(out SipVia via).ShouldBeTrue();
        m.Str(via.Branch).ShouldBe("z9hG4bK-.!%66*_+`'~");
        m.TryGetFrom(out SipNameAddr from).ShouldBeTrue();
        m.Str(from.DisplayName).ShouldBe("token1~` token2'+_ token3*%!.-");
        m.Str(from.Tag).ShouldBe("_token~1'+`*%!-.");
        m.Str(m.CallId).ShouldBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
        m.TryGetCSeq(out SipCSeq cseq).ShouldBeTrue();
        cseq.Number.ShouldBe(139122385u);
        m.Str(cseq.MethodName).ShouldBe(m.Str(m.MethodName));
        m.TryGetMaxForwards(out int maxForwards).ShouldBeTrue();
        maxForwards.ShouldBe(255);
    }

    [Fact]
    public void Esc01_escapes_are_kept_as_written()
    {
        SipMessage m = Parse("esc01");

        m.TryGetRequestUri(out SipUri uri).ShouldBeTrue();
        m.Str(uri.User).ShouldBe("sips%3Auser%40example.com");
        m.Str(uri.Host).ShouldBe("example.net");
        m.TryGetTo(out SipNameAddr to).ShouldBeTrue();
        m.Str(to.ParsedUri.User).ShouldBe("%75se%72");
        var contacts = m.GetContacts();
        contacts.MoveNext().ShouldBeTrue();
        m.Str(contacts.Current.ParsedUri.Parameters).ShouldBe("%6C%72;n%61me=v%61lue%25%34%31");
    }

    [Fact]
    public void Escnull_has_two_contacts_with_escaped_nulls()
    {
        SipMessage m = Parse("escnull");

        m.TryGetTo(out SipNameAddr to).ShouldBeTrue();
        m.Str(to.ParsedUri.User).ShouldBe("null-%00-null");
        var users = new List<string>();
        foreach (SipNameAddr contact in m.GetContacts())
        {
            users.Add(m.Str(contact.ParsedUri.User));
        }

        users.ShouldBe(["%00", "%00%00"]);
    }

    [Fact]
    public void Esc02_percent_is_not_an_escape_in_method_or_header_name()
    {
        SipMessage m = Parse("esc02");

        m.Method.ShouldBe(SipMethod.Extension);
        m.Str(m.MethodName).ShouldBe("RE%47IST%45R");
        m.CountLines(HeaderId.Contact).ShouldBe(2);
        m.IndexOf("C%6Fntact"u8).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Lwsdisp_display_name_runs_into_the_angle_bracket()
    {
        SipMessage m = Parse("lwsdisp");

        m.TryGetFrom(out SipNameAddr from).ShouldBeTrue();
        m.Str(from.DisplayName).ShouldBe("caller");
        m.Str(from.Tag).ShouldBe("323");
    }

    [Fact]
    public void Longreq_long_values_and_many_vias()
    {
        SipMessage m = Parse("longreq");

        int vias = 0;
        foreach (TextRange _ in m.GetValues(HeaderId.Via))
        {
            vias++;
        }

        vias.ShouldBe(34);
        m.TryGetTopVia(out SipVia top).ShouldBeTrue();
        m.Str(top.Host).ShouldBe("sip33.example.com");
        m.TryGetTo(out SipNameAddr to).ShouldBeTrue();
        to.ParsedUri.Port.ShouldBe(6000);
        m.Str(m.CallId).Length.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void Dblreq_is_the_register_alone()
    {
        SipMessage m = Parse("dblreq");

        m.Method.ShouldBe(SipMethod.Register);
        m.ContentLength.ShouldBe(0);
        m.Data.Length.ShouldBeLessThan(TortureCorpus.Get("dblreq").Bytes.Length);
        m.CountLines(HeaderId.Via).ShouldBe(1);
    }

    [Fact]
    public void Semiuri_user_part_holds_a_semicolon()
    {
        SipMessage m = Parse("semiuri");

        m.TryGetRequestUri(out SipUri uri).ShouldBeTrue();
        m.Str(uri.User).ShouldBe("user;par=u%40example.net");
        m.Str(uri.Host).ShouldBe("example.com");
        uri.Parameters.IsPresent.ShouldBeFalse();
    }

    [Fact]
    public void Transports_known_and_unknown()
    {
        SipMessage m = Parse("transports");

        var transports = new List<(SipTransport, string)>();
        var values = m.GetValues(HeaderId.Via);
        while (values.MoveNext())
        {
            NatEdge.Proxy.Sip.Parsing.ViaParser.TryParse(m.Span, values.Current, out SipVia via).ShouldBeTrue();
            transports.Add((via.Transport, m.Str(via.TransportName)));
        }

        transports.ShouldBe([
            (SipTransport.Udp, "UDP"), (SipTransport.Sctp, "SCTP"), (SipTransport.Tls, "TLS"),
            (SipTransport.Unknown, "UNKNOWN"), (SipTransport.Tcp, "TCP")]);
    }

    [Fact]
    public void Mpart01_body_is_exactly_content_length_octets()
    {
        SipMessage m = Parse("mpart01");

        m.Method.ShouldBe(SipMethod.Message);
        m.Body.Length.ShouldBe(m.ContentLength);
        m.Str(m.GetFirstValue(HeaderId.ContentType)).ShouldStartWith("multipart/mixed");
    }

    [Fact]
    public void Unreason_and_noreason_responses()
    {
        SipMessage unusual = Parse("unreason");
        unusual.IsResponse.ShouldBeTrue();
        unusual.StatusCode.ShouldBe(200);
        unusual.Str(unusual.ReasonPhrase).ShouldStartWith("= 2**3 * 5**2 ");

        SipMessage empty = Parse("noreason");
        empty.StatusCode.ShouldBe(100);
        empty.ReasonPhrase.IsPresent.ShouldBeTrue();
        empty.ReasonPhrase.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Cparam01_and_cparam02_tell_contact_params_from_uri_params()
    {
        SipMessage contactParam = Parse("cparam01");
        var first = contactParam.GetContacts();
        first.MoveNext().ShouldBeTrue();
        first.Current.ParsedUri.Parameters.IsPresent.ShouldBeFalse();
        contactParam.Str(first.Current.Parameters).ShouldBe(";unknownparam");

        SipMessage uriParam = Parse("cparam02");
        var second = uriParam.GetContacts();
        second.MoveNext().ShouldBeTrue();
        uriParam.Str(second.Current.ParsedUri.Parameters).ShouldBe("unknownparam");
        second.Current.Parameters.IsPresent.ShouldBeFalse();
    }

    [Fact]
    public void Inv2543_body_runs_to_the_end_of_the_datagram()
    {
        SipMessage m = Parse("inv2543");

        m.ContentLength.ShouldBe(-1);
        m.Body.End.ShouldBe(TortureCorpus.Get("inv2543").Bytes.Length);
        m.TryGetTopVia(out SipVia via).ShouldBeTrue();
        via.Branch.IsPresent.ShouldBeFalse();
    }
}
