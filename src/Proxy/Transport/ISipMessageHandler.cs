using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// What a transport hands its messages to. The bytes are one whole datagram or one framed stream
/// message and stay valid only until the returned task completes: the buffer goes back to its
/// receive loop. Implementations must not throw for bad input; an exception that escapes is logged
/// by the loop and the loop goes on.
/// </summary>
public interface ISipMessageHandler
{
    ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken);

    /// <summary>
    /// A stream whose framing broke (RFC 3261 section 18.3). <paramref name="headerSection"/> is the
    /// header section when it was complete (a reply may still be owed, e.g. 513), otherwise empty.
    /// The connection is closed once this returns.
    /// </summary>
    ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken);
}
