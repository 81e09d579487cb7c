using System.Text;

namespace NatEdge.Benchmarks.Parsing;

/// <summary>Typical messages a registrar/proxy sees, as a softphone sends them.</summary>
internal static class SipSamples
{
    public static readonly byte[] Register = Crlf("""
        REGISTER sip:example.com SIP/2.0
        Via: SIP/2.0/UDP 192.168.1.34:5060;rport;branch=z9hG4bK-524287-1---7b3c8a9f2e1d4c56
        Max-Forwards: 70
        Contact: <sip:alice@192.168.1.34:5060;rinstance=8f3a2c1d9e7b6a54;transport=UDP>
        To: <sip:alice@example.com>
        From: <sip:alice@example.com>;tag=6d2f81a4
        Call-ID: NzM4ZDQ2YjIxYzE5ZjA3NGU1YmE4ZjM2YTk5MDFlNjc
        CSeq: 2 REGISTER
        Expires: 3600
        Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE
        Supported: replaces, norefersub, extended-refer, timer, outbound, path, X-cisco-serviceuri
        User-Agent: Z 5.6.1 v2.10.20.1
        Authorization: Digest username="alice",realm="example.com",nonce="5f9a3c2e00000001d3b1a0c4e5f6a7b8",uri="sip:example.com",response="0a1b2c3d4e5f60718293a4b5c6d7e8f9",algorithm=MD5
        Allow-Events: presence, kpml, talk
        Content-Length: 0


        """);

    public static readonly byte[] InviteWithSdp = Crlf("""
        INVITE sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.168.1.34:5060;rport;branch=z9hG4bK-524287-1---c2d91e3f7a6b5d40
        Max-Forwards: 70
        Contact: <sip:alice@192.168.1.34:5060;transport=UDP>
        To: <sip:bob@example.com>
        From: "Alice" <sip:alice@example.com>;tag=a73kszlfl
        Call-ID: ZmE4NmQ0MmMzYjE5ZTcwNjVkMmY4YjQxYTM2OWNkMDE
        CSeq: 1 INVITE
        Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE
        Content-Type: application/sdp
        Supported: replaces, norefersub, extended-refer, timer, outbound, path
        User-Agent: Z 5.6.1 v2.10.20.1
        Allow-Events: presence, kpml, talk
        Content-Length: 245

        v=0
        o=Z 1732622400 1 IN IP4 192.168.1.34
        s=Z
        c=IN IP4 192.168.1.34
        t=0 0
        m=audio 8000 RTP/AVP 106 9 98 101 0 8 3
        a=rtpmap:106 opus/48000/2
        a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1
        a=rtpmap:98 telephone-event/48000
        a=sendrecv

        """);

    private static byte[] Crlf(string text)
    {
        string normalized = text.ReplaceLineEndings("\r\n");
        int headerEnd = normalized.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        string body = normalized[headerEnd..];
        string declared = "Content-Length: 245";
        if (normalized.Contains(declared, StringComparison.Ordinal))
        {
            normalized = normalized.Replace(declared, "Content-Length: " + Encoding.ASCII.GetByteCount(body), StringComparison.Ordinal);
        }

        return Encoding.ASCII.GetBytes(normalized);
    }
}
