using System.Buffers;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Writing;

/// <summary>
/// Builds a response to a request without keeping state (RFC 3261 8.2.6 and 16.7): every Via line
/// (with the request's received/rport stamp, not with Vias the proxy pushed itself), From, To, Call-ID
/// and CSeq copied as received; a To tag added unless the request's To already has one or the
/// status is 100; optional extra header lines (Allow, Supported, Unsupported, Min-Expires,
/// WWW-Authenticate...); "Content-Length: 0". This is what sl_send_reply calls.
/// </summary>
public static class ResponseFactory
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> TagPrefix => ";tag="u8;

    private static ReadOnlySpan<byte> ContentLengthZero => "Content-Length: 0\r\n\r\n"u8;

    /// <summary>Length of the stateless tag <see cref="ComputeToTag"/> writes.</summary>
    public const int ToTagLength = 16;

    /// <param name="extraHeaders">Complete header lines, each ending in CRLF, or empty.</param>
    /// <param name="toTag">The To tag to add when the request has none; empty means one derived from the request (<see cref="ComputeToTag"/>).</param>
    public static void Write(
        IBufferWriter<byte> output,
        SipMessage request,
        int statusCode,
        ReadOnlySpan<byte> reasonPhrase,
        ReadOnlySpan<byte> extraHeaders = default,
        ReadOnlySpan<byte> toTag = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);

        Span<byte> derivedTag = stackalloc byte[ToTagLength];
        int toIndex = request.IndexOf(HeaderId.To);
        bool addTag = statusCode != 100 && toIndex >= 0 && NeedsTag(request);
        scoped ReadOnlySpan<byte> tag = toTag;
        if (addTag && toTag.IsEmpty)
        {
            ComputeToTag(request, derivedTag);
            tag = derivedTag;
        }

        int length = "SIP/2.0 000 "u8.Length + reasonPhrase.Length + Crlf.Length + extraHeaders.Length + ContentLengthZero.Length;
        for (int i = 0; i < request.HeaderCount; i++)
        {
            ref readonly HeaderEntry entry = ref request.GetHeader(i);
            if (IsCopied(entry.Id))
            {
                length += CopiedLineLength(request, entry);
            }
        }

        if (addTag)
        {
            length += TagPrefix.Length + tag.Length;
        }

        var writer = new SpanWriter(output.GetSpan(length));
        writer.Write("SIP/2.0 "u8);
        writer.WriteNumber(statusCode);
        writer.Write((byte)' ');
        writer.Write(reasonPhrase);
        writer.Write(Crlf);

        // Via lines first and in order (RFC 3261 8.2.6.2), then the dialog-identifying headers.
        WriteLines(ref writer, request, HeaderId.Via);
        WriteLines(ref writer, request, HeaderId.From);
        for (int i = request.IndexOf(HeaderId.To); i >= 0; i = request.IndexOf(HeaderId.To, i))
        {
            if (addTag && i == toIndex)
            {
                HeaderEntry to = request.GetHeader(i);
                ReadOnlySpan<byte> span = request.Span;
                writer.Write(span[to.Line.Offset..to.Value.End]);
                writer.Write(TagPrefix);
                writer.Write(tag);
                writer.Write(span[to.Value.End..to.Line.End]);
            }
            else
            {
                WriteLine(ref writer, request, request.GetHeader(i));
            }
        }

        WriteLines(ref writer, request, HeaderId.CallId);
        WriteLines(ref writer, request, HeaderId.CSeq);
        writer.Write(extraHeaders);
        writer.Write(ContentLengthZero);
        output.Advance(writer.Written);
    }

    /// <summary>
    /// The same request (and its retransmissions) gets the same tag (RFC 3261 8.2.6.2) without the
    /// proxy remembering anything: 64-bit FNV-1a over Call-ID, From tag, top Via branch and the CSeq
    /// number, as hex. The CSeq method is left out so the ACK of a non-2xx reply (same branch and
    /// number, RFC 3261 17.1.1.3) derives the same tag and <see cref="AcknowledgesDerivedTag"/> can
    /// recognise it.
    /// </summary>
    public static void ComputeToTag(SipMessage request, Span<byte> destination)
    {
        var hash = TransactionHash(request);
        for (int i = 0; i < ToTagLength; i++)
        {
            destination[i] = (byte)"0123456789abcdef"[(int)((hash >> (60 - (4 * i))) & 0xF)];
        }
    }

    /// <summary>
    /// Whether <paramref name="ack"/> acknowledges a reply this proxy sent statelessly: its To tag is
    /// the one <see cref="ComputeToTag"/> derives for the INVITE it acknowledges. Such an ACK ends at
    /// the proxy (RFC 3261 17.1.1.3: the ACK of a non-2xx reply is hop by hop), as SER's sl drops it.
    /// </summary>
    public static bool AcknowledgesDerivedTag(SipMessage ack)
    {
        if (!ack.TryGetTo(out SipNameAddr to) || !to.Tag.IsPresent)
        {
            return false;
        }

        var tag = ack[to.Tag];
        if (tag.Length != ToTagLength)
        {
            return false;
        }

        Span<byte> derived = stackalloc byte[ToTagLength];
        ComputeToTag(ack, derived);
        return tag.SequenceEqual(derived);
    }

    /// <summary>
    /// 64-bit FNV-1a over Call-ID, From tag, top Via branch and CSeq number: the same for a request,
    /// its retransmissions and the ACK of a non-2xx answer to it (RFC 3261 17.1.1.3), different for
    /// any other request.
    /// </summary>
    public static ulong TransactionHash(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        const ulong offsetBasis = 14695981039346656037;
        ulong hash = offsetBasis;
        hash = Mix(hash, request[request.CallId]);
        if (request.TryGetFrom(out SipNameAddr from))
        {
            hash = Mix(hash, request[from.Tag]);
        }

        if (request.TryGetTopVia(out SipVia via))
        {
            hash = Mix(hash, request[via.Branch]);
        }

        return Mix(hash, CSeqNumber(request[request.GetFirstValue(HeaderId.CSeq)]));
    }

    private static ReadOnlySpan<byte> CSeqNumber(ReadOnlySpan<byte> cseq)
    {
        var trimmed = cseq.TrimStart((byte)' ');
        var end = trimmed.IndexOfAny((byte)' ', (byte)'\t');
        return end < 0 ? trimmed : trimmed[..end];
    }

    private static bool NeedsTag(SipMessage request) => !request.TryGetTo(out SipNameAddr to) || !to.Tag.IsPresent;

    private static ulong Mix(ulong hash, ReadOnlySpan<byte> bytes)
    {
        const ulong prime = 1099511628211;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * prime;
        }

        return (hash ^ 0xFF) * prime;
    }

    private static bool IsCopied(HeaderId id) =>
        id is HeaderId.Via or HeaderId.From or HeaderId.To or HeaderId.CallId or HeaderId.CSeq;

    private static void WriteLines(ref SpanWriter writer, SipMessage request, HeaderId id)
    {
        for (int i = request.IndexOf(id); i >= 0; i = request.IndexOf(id, i))
        {
            WriteLine(ref writer, request, request.GetHeader(i));
        }
    }

    // A line is copied with the edits strictly inside it (the Via received/rport stamp), never with
    // insertions at its start, which are header lines the proxy added in front of it.
    private static void WriteLine(ref SpanWriter writer, SipMessage request, in HeaderEntry entry)
    {
        ReadOnlySpan<byte> span = request.Span;
        int cursor = entry.Line.Offset;
        if (request.HasEdits)
        {
            var edits = request.Edits;
            for (int i = 0; i < edits.Count; i++)
            {
                var splice = edits[i];
                if (IsInside(splice.Offset, splice.End, entry.Line))
                {
                    writer.Write(span[cursor..splice.Offset]);
                    writer.Write(edits.GetReplacement(splice));
                    cursor = splice.End;
                }
            }
        }

        writer.Write(span[cursor..entry.Line.End]);
    }

    private static int CopiedLineLength(SipMessage request, in HeaderEntry entry)
    {
        int length = entry.Line.Length;
        if (request.HasEdits)
        {
            var edits = request.Edits;
            for (int i = 0; i < edits.Count; i++)
            {
                var splice = edits[i];
                if (IsInside(splice.Offset, splice.End, entry.Line))
                {
                    length += splice.ReplacementLength - splice.Length;
                }
            }
        }

        return length;
    }

    private static bool IsInside(int offset, int end, TextRange line) =>
        offset > line.Offset && end < line.End - 1;
}
