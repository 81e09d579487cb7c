using System.Net;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Tests.Sip;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>Requests and replies as phones behind a NAT send them, and the sources they arrive from.</summary>
internal static class NatMessages
{
    public static ReceiveInfo From(string address, int port, TransportProtocol protocol = TransportProtocol.Udp) =>
        ReceiveInfo.From(new IPEndPoint(IPAddress.Parse(address), port), new IPEndPoint(IPAddress.Parse("198.18.0.1"), 5060), protocol);

    /// <param name="sentBy">Top Via sent-by as written ("192.168.1.10:5060", "[fd00::10]").</param>
    /// <param name="contact">The Contact URI.</param>
    /// <param name="sdpAddresses">c= addresses: the first session level, the rest one per media section.</param>
    public static SipMessage Invite(string sentBy, string contact, string[]? sdpAddresses = null, string? userAgent = null, string requestUri = "sip:2000@198.18.0.1")
    {
        var body = sdpAddresses is null ? "" : Sdp(sdpAddresses);
        var ua = userAgent is null ? "" : $"User-Agent: {userAgent}\n";
        return SipText.Parse(
            $"INVITE {requestUri} SIP/2.0\n" +
            $"Via: SIP/2.0/UDP {sentBy};branch=z9hG4bK-nat-1\n" +
            "Max-Forwards: 70\n" +
            "From: <sip:1000@198.18.0.1>;tag=a1\n" +
            "To: <sip:2000@198.18.0.1>\n" +
            "Call-ID: nat-call-1\n" +
            "CSeq: 1 INVITE\n" +
            $"Contact: <{contact}>;expires=3600\n" +
            ua +
            (body.Length > 0 ? "Content-Type: application/sdp\n" : "") +
            $"Content-Length: {body.Replace("\n", "\r\n", StringComparison.Ordinal).Length}\n" +
            "\n" + body);
    }

    /// <summary>A callee's 200 OK as it reaches the proxy: the proxy's Via on top, the caller's below it.</summary>
    public static SipMessage Ok(string contact, string secondVia = "SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-nat-1;received=198.51.100.7;rport=40001", string? server = null) =>
        SipText.Parse(
            "SIP/2.0 200 OK\n" +
            "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-proxy-1\n" +
            $"Via: {secondVia}\n" +
            "From: <sip:1000@198.18.0.1>;tag=a1\n" +
            "To: <sip:2000@198.18.0.1>;tag=b2\n" +
            "Call-ID: nat-call-1\n" +
            "CSeq: 1 INVITE\n" +
            $"Contact: <{contact}>\n" +
            (server is null ? "" : $"Server: {server}\n") +
            "Content-Length: 0\n\n");

    public static string Sdp(params string[] addresses)
    {
        var text = $"v=0\no=- 1 1 IN {Family(addresses[0])} {addresses[0]}\ns=-\n";
        text += $"c=IN {Family(addresses[0])} {addresses[0]}\nt=0 0\n";
        for (int i = 1; i < addresses.Length; i++)
        {
            text += $"m=audio {20000 + (2 * i)} RTP/AVP 0\nc=IN {Family(addresses[i])} {addresses[i]}\n";
        }

        if (addresses.Length == 1)
        {
            text += "m=audio 20000 RTP/AVP 0\n";
        }

        return text;
    }

    private static string Family(string address) => address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
}
