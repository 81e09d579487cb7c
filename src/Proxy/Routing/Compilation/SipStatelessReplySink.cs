using System.Buffers;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// sl_send_reply's path to the wire: builds the reply with <see cref="ResponseFactory"/>
/// (Via/From/To/Call-ID/CSeq copied, stateless To tag, the lines append_to_reply queued) into a buffer this sink keeps,
/// then hands it to the transport. One sink per worker, like the route context: the
/// buffer is reused once the send has completed.
/// </summary>
public sealed class SipStatelessReplySink(IReplyTransport transport) : IScriptReplySink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public ValueTask<bool> SendStatelessReplyAsync(RouteContext context, int statusCode, ReadOnlyMemory<byte> reason, ReadOnlyMemory<byte> extraHeaders = default)
    {
        if (context.Message is not SipScriptMessage message)
        {
            return new ValueTask<bool>(false);
        }

        _buffer.ResetWrittenCount();
        var queued = context.ReplyHeaders;
        if (extraHeaders.IsEmpty)
        {
            ResponseFactory.Write(_buffer, message.Sip, statusCode, reason.Span, queued);
        }
        else
        {
            // The function's own lines (Contact list, challenge) go after the ones append_to_reply queued.
            var lines = ArrayPool<byte>.Shared.Rent(queued.Length + extraHeaders.Length);
            queued.CopyTo(lines);
            extraHeaders.Span.CopyTo(lines.AsSpan(queued.Length));
            ResponseFactory.Write(_buffer, message.Sip, statusCode, reason.Span, lines.AsSpan(0, queued.Length + extraHeaders.Length));
            ArrayPool<byte>.Shared.Return(lines);
        }

        return transport.SendReplyAsync(_buffer.WrittenMemory, message.Sip, context.Received);
    }
}
