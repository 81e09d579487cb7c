using System.Net;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Sends a reply to a received request without keeping state (what sl_send_reply does): the
/// response is built by <see cref="ResponseFactory"/> from the request, whose top Via already
/// carries its received/rport stamp, and leaves over the request's own connection on TCP
/// (RFC 3261 section 18.2.2) or, on UDP, where <see cref="ResponseTargets.TryGetForReceivedRequest"/>
/// says: the source IP with the rport (RFC 3581 section 4) or the sent-by port.
/// </summary>
public sealed class StatelessReplier
{
    private readonly SipSender _sender;

    public StatelessReplier(SipSender sender, TimeProvider? time = null)
    {
        _sender = sender;
        Refusals = new StatelessRefusals(time ?? TimeProvider.System);
    }

    /// <summary>The in-dialog INVITEs refused here, whose ACKs end here too.</summary>
    public StatelessRefusals Refusals { get; }

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
        var sourcePort = SocketAddressExtensions.Port(origin.Remote);
        if (!ResponseTargets.TryGetForReceivedRequest(request, sourcePort, out var target)
            || Destination(request, target, origin, sourcePort) is not { } destination)
        {
            // No usable Via (or a maddr that is a name, which needs DNS): nowhere a response may go.
            return new ValueTask<SendOutcome>(SendOutcome.Failed);
        }

        Refusals.NoteAnswer(request, response.Span);
        return _sender.SendResponseAsync(response, origin, destination, cancellationToken);
    }

    /// <summary>
    /// Normally the source address (RFC 3581: it is what received= says), at the port the rule
    /// chose; the receive loop's address is reused as is whenever that port is the source port.
    /// </summary>
    private static SocketAddress? Destination(SipMessage request, in ResponseTarget target, SipReceiveContext origin, int sourcePort)
    {
        if (!target.UseSourceAddress)
        {
            Span<char> text = stackalloc char[target.Host.Length];
            System.Text.Ascii.ToUtf16(request[target.Host], text, out _);
            return IPAddress.TryParse(text, out var maddr) ? new IPEndPoint(maddr, target.Port).Serialize() : null;
        }

        if (target.Port == sourcePort)
        {
            return origin.Remote;
        }

        var destination = origin.CopyRemote();
        SocketAddressExtensions.SetPort(destination, target.Port);
        return destination;
    }
}
