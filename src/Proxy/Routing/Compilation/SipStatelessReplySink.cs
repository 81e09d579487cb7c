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

    public ValueTask<bool> SendStatelessReplyAsync(RouteContext context, int statusCode, ReadOnlyMemory<byte> reason)
    {
        if (context.Message is not SipScriptMessage message)
        {
            return new ValueTask<bool>(false);
        }

        _buffer.ResetWrittenCount();
        ResponseFactory.Write(_buffer, message.Sip, statusCode, reason.Span, context.ReplyHeaders);
        return transport.SendReplyAsync(_buffer.WrittenMemory, message.Sip, context.Received);
    }
}
