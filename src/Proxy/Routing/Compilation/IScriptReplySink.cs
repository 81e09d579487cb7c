namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Sends a stateless reply to the request being routed (sl_send_reply, sl_reply_error).
/// The host supplies it: it knows the sockets and how to build a reply from a request.
/// </summary>
public interface IScriptReplySink
{
    /// <param name="extraHeaders">Whole header lines, each ending in CRLF (Contact, WWW-Authenticate, Min-Expires), or empty.</param>
    /// <returns>True when the reply was handed to the transport. A datagram send completes at once.</returns>
    ValueTask<bool> SendStatelessReplyAsync(RouteContext context, int statusCode, ReadOnlyMemory<byte> reason, ReadOnlyMemory<byte> extraHeaders = default);
}
