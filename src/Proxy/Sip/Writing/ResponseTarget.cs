using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Writing;

/// <summary>
/// Where a response goes: host bytes in the message (IPv6 without brackets), or the request's source
/// address when <see cref="UseSourceAddress"/> is set; the port; and whether a reliable transport
/// should reuse the connection the request came on.
/// </summary>
public readonly record struct ResponseTarget(TextRange Host, int Port, SipTransport Transport, bool ReuseConnection, bool UseSourceAddress = false);

public static class ResponseTargets
{
    public const int DefaultSipPort = 5060;

    public const int DefaultSipsPort = 5061;

    /// <summary>
    /// RFC 3261 18.2.2 with RFC 3581 section 4, from the top Via of a response (or of the request
    /// being answered): reliable transports reuse the request's connection when it is still open and
    /// otherwise go to received (or sent-by) with rport (or the sent-by port); over UDP, maddr wins,
    /// then received with rport or the sent-by port, then sent-by. A missing port is 5060 (5061 for TLS).
    /// </summary>
    public static bool TryGet(SipMessage message, out ResponseTarget target)
    {
        target = default;
        if (!message.TryGetTopVia(out SipVia via))
        {
            return false;
        }

        bool reliable = via.Transport is SipTransport.Tcp or SipTransport.Tls or SipTransport.Sctp or SipTransport.Ws or SipTransport.Wss;
        int defaultPort = via.Transport is SipTransport.Tls or SipTransport.Wss ? DefaultSipsPort : DefaultSipPort;
        int sentByPort = via.Port >= 0 ? via.Port : defaultPort;

        if (!reliable && via.Maddr.IsPresent && !via.Maddr.IsEmpty)
        {
            target = new ResponseTarget(StripBrackets(message, via.Maddr), sentByPort, via.Transport, ReuseConnection: false);
            return true;
        }

        int port = via.RportValue >= 0 ? via.RportValue : sentByPort;
        TextRange host = via.Received.IsPresent ? via.Received : via.Host;
        target = new ResponseTarget(StripBrackets(message, host), port, via.Transport, ReuseConnection: reliable);
        return true;
    }

    /// <summary>
    /// The same rule for a reply to a request just received, before its Via was stamped: the
    /// stamp would put the source address in "received" (and the source port in an empty "rport"),
    /// so the reply goes to the source address, at the source port when rport was asked for and at
    /// the sent-by port otherwise. maddr still wins over UDP.
    /// </summary>
    public static bool TryGetForReceivedRequest(SipMessage request, int sourcePort, out ResponseTarget target)
    {
        target = default;
        if (!TryGet(request, out ResponseTarget fromVia) || !request.TryGetTopVia(out SipVia via))
        {
            return false;
        }

        bool maddrWins = !fromVia.ReuseConnection && via.Maddr.IsPresent && !via.Maddr.IsEmpty;
        if (maddrWins)
        {
            target = fromVia;
            return true;
        }

        int port = via.HasRport ? sourcePort : fromVia.Port;
        target = new ResponseTarget(TextRange.None, port, via.Transport, fromVia.ReuseConnection, UseSourceAddress: true);
        return true;
    }

    private static TextRange StripBrackets(SipMessage message, TextRange host)
    {
        ReadOnlySpan<byte> bytes = message[host];
        return bytes.Length >= 2 && bytes[0] == '[' && bytes[^1] == ']'
            ? new TextRange(host.Offset + 1, host.Length - 2)
            : host;
    }
}
