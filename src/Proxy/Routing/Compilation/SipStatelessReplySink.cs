using System.Buffers;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// sl_send_reply's path to the wire: builds the reply with <see cref="ResponseFactory"/>
/// (Via/From/To/Call-ID/CSeq copied, stateless To tag) into a buffer this sink keeps,
/// then hands it to the transport. One sink per worker, like the route context.
/// </summary>
public sealed class SipStatelessReplySink(IReplyTransport transport) : IScriptReplySink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public bool SendStatelessReply(RouteContext context, int statusCode, ReadOnlySpan<byte> reason)
    {
        if (context.Message is not SipScriptMessage message)
        {
            return false;
        }

        _buffer.ResetWrittenCount();
        ResponseFactory.Write(_buffer, message.Sip, statusCode, reason);
        return transport.SendReply(_buffer.WrittenSpan, message.Sip, context.Received);
    }
}
