using System.Net;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Sends a reply to a received request without keeping state (what sl_send_reply does): the
/// response is built by <see cref="ResponseFactory"/> from the request, whose top Via already
/// carries its received/rport stamp, and leaves over the request's own connection on TCP
/// (RFC 3261 section 18.2.2) or, on UDP, to the source IP with the rport (RFC 3581 section 4)
/// or the sent-by port.
/// </summary>
public sealed class StatelessReplier
{
    private readonly SipSender _sender;

    public StatelessReplier(SipSender sender)
    {
        _sender = sender;
    }

    public async ValueTask<SendOutcome> ReplyAsync(
        SipMessage request,
        int statusCode,
        ReadOnlyMemory<byte> reasonPhrase,
        ReadOnlyMemory<byte> extraHeaders,
        SipReceiveContext origin,
        CancellationToken cancellationToken)
    {
        using var output = new RentedBufferWriter();
        ResponseFactory.Write(output, request, statusCode, reasonPhrase.Span, extraHeaders.Span);
        return await SendAsync(output.WrittenMemory, request, origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a response already built from <paramref name="request"/> back the way the request came.</summary>
    public ValueTask<SendOutcome> SendAsync(ReadOnlyMemory<byte> response, SipMessage request, SipReceiveContext origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TryGetTopVia(out var via))
        {
            // Without a Via there is nowhere a response may be sent (RFC 3261 section 18.2.2).
            return new ValueTask<SendOutcome>(SendOutcome.Failed);
        }

        return _sender.SendResponseAsync(response, origin, ResponseDestination(via, origin), cancellationToken);
    }

    /// <summary>
    /// The received address is always the source IP (it is either stamped as received= or equal
    /// to sent-by); the port is the source port when the client asked for rport, else sent-by's.
    /// The receive loop's address is reused as is whenever the port already matches.
    /// </summary>
    private static SocketAddress ResponseDestination(in SipVia via, SipReceiveContext origin)
    {
        var sourcePort = SocketAddressExtensions.Port(origin.Remote);
        var port = via.HasRport ? sourcePort : via.Port >= 0 ? via.Port : ResponseTargets.DefaultSipPort;
        if (port == sourcePort)
        {
            return origin.Remote;
        }

        var destination = origin.CopyRemote();
        SocketAddressExtensions.SetPort(destination, port);
        return destination;
    }
}
