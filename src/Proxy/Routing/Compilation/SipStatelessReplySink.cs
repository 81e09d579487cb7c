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
        ResponseFactory.Write(_buffer, message.Sip, statusCode, reason.Span, CombineHeaders(context.ReplyHeaders, extraHeaders.Span));
        return transport.SendReplyAsync(_buffer.WrittenMemory, message.Sip, context.Received);
    }

    /// <summary>append_to_reply lines first, then the caller's own (a registrar's Contact list, a challenge).</summary>
    private byte[] _combined = [];

    private ReadOnlySpan<byte> CombineHeaders(ReadOnlySpan<byte> queued, ReadOnlySpan<byte> extra)
    {
        if (queued.IsEmpty)
        {
            return extra;
        }

        if (extra.IsEmpty)
        {
            return queued;
        }

        int length = queued.Length + extra.Length;
        if (_combined.Length < length)
        {
            _combined = new byte[Math.Max(length, 2 * _combined.Length)];
        }

        queued.CopyTo(_combined);
        extra.CopyTo(_combined.AsSpan(queued.Length));
        return _combined.AsSpan(0, length);
    }
}
