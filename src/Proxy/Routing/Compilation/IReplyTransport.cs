using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Sends a finished reply back towards the client of a request; the transport picks
/// the socket or connection (RFC 3261 18.2.2, RFC 3581) from the request's top Via
/// and from where it was received. <paramref name="reply"/> stays valid until the send completes.
/// </summary>
public interface IReplyTransport
{
    ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received);
}
