namespace NatEdge.Proxy.Tests.Modules.Registrar;

/// <summary>REGISTER and INVITE requests as a phone at 127.0.0.5:5070 sends them to proxy.test.</summary>
internal static class RegisterMessages
{
    public static string Register(string user = "1000", string contacts = "Contact: <sip:1000@127.0.0.5:5070>\n", string expires = "Expires: 3600\n", int cseq = 1, string callId = "reg-1@127.0.0.5", string extra = "") => $"""
        REGISTER sip:proxy.test SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bK-reg-{cseq}-{callId.GetHashCode(StringComparison.Ordinal):x}
        Max-Forwards: 70
        From: <sip:{user}@proxy.test>;tag=reg-tag
        To: <sip:{user}@proxy.test>
        Call-ID: {callId}
        CSeq: {cseq} REGISTER
        {contacts}{expires}User-Agent: TestPhone/1.0
        {extra}Content-Length: 0


        """;

    public static string Invite(string uri = "sip:1000@proxy.test", string extra = "") => $"""
        INVITE {uri} SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.6:5080;branch=z9hG4bK-inv-1
        Max-Forwards: 70
        From: <sip:1001@proxy.test>;tag=caller
        To: <{uri}>
        Call-ID: inv-1@127.0.0.6
        CSeq: 1 INVITE
        Contact: <sip:1001@127.0.0.6:5080>
        {extra}Content-Length: 0


        """;
}
