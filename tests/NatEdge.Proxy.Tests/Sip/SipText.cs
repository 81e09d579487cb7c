using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip;

/// <summary>Helpers shared by the SIP tests: messages written with \n line ends become CRLF bytes.</summary>
internal static class SipText
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));

    public static SipMessage Parse(string text)
    {
        SipParseStatus status = SipMessageParser.TryParse(Bytes(text), out SipMessage? message, out SipParseError error);
        status.ShouldBe(SipParseStatus.Ok, $"parse error {error}");
        return message!;
    }

    public static string Str(this SipMessage message, TextRange range) => Encoding.UTF8.GetString(message[range]);

    public static string Written(this SipMessage message)
    {
        var buffer = new byte[NatEdge.Proxy.Sip.Writing.SipMessageWriter.GetLength(message)];
        int written = NatEdge.Proxy.Sip.Writing.SipMessageWriter.Write(message, buffer);
        return Encoding.UTF8.GetString(buffer, 0, written);
    }
}
