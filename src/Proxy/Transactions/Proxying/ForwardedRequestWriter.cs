using System.Buffers;
using System.Globalization;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// Writes what the proxy sends downstream: a branch of a forwarded request (new Request-URI, own
/// Via on top, the message's recorded edits applied), and the CANCEL and hop-by-hop ACK it
/// builds from a branch it sent (RFC 3261 sections 9.1 and 17.1.1.3).
/// </summary>
public static class ForwardedRequestWriter
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> SipVersion => " SIP/2.0\r\n"u8;

    /// <summary>
    /// The request as forwarded on one branch (RFC 3261 section 16.6): start line with
    /// <paramref name="requestUri"/>, then "Via: SIP/2.0/transport sent-by;branch=..." as the first
    /// header line, then the branch's own header lines (<paramref name="headers"/>), then every
    /// header and the body with the message's edits applied.
    /// </summary>
    public static byte[] WriteBranch(SipMessage request, ReadOnlySpan<byte> requestUri, in NextHop hop, ReadOnlySpan<byte> branch, IBranchHeaderWriter? headers = null)
    {
        var extra = ReadOnlySpan<byte>.Empty;
        if (headers is not null)
        {
            var extraWriter = new ArrayBufferWriter<byte>(256);
            headers.WriteHeaders(hop, extraWriter);
            extra = extraWriter.WrittenSpan;
        }

        var source = request.Span;
        var restStart = request.StartLine.End + Crlf.Length;
        var restLength = request.HasEdits
            ? request.Edits.GetRangeOutputLength(restStart, source.Length, includeInsertionAtEnd: true)
            : source.Length - restStart;
        var method = request[request.MethodName];
        var via = hop.ViaTransport.Span;
        var sentBy = hop.ViaSentBy.Span;
        var length = method.Length + 1 + requestUri.Length + SipVersion.Length
            + "Via: SIP/2.0/"u8.Length + via.Length + 1 + sentBy.Length + ";branch="u8.Length + branch.Length + Crlf.Length
            + extra.Length + restLength;

        var output = new byte[length];
        var span = output.AsSpan();
        var at = Append(span, 0, method);
        output[at++] = (byte)' ';
        at = Append(span, at, requestUri);
        at = Append(span, at, SipVersion);
        at = Append(span, at, "Via: SIP/2.0/"u8);
        at = Append(span, at, via);
        output[at++] = (byte)' ';
        at = Append(span, at, sentBy);
        at = Append(span, at, ";branch="u8);
        at = Append(span, at, branch);
        at = Append(span, at, Crlf);
        at = Append(span, at, extra);
        if (request.HasEdits)
        {
            at += request.Edits.ApplyRange(source, restStart, source.Length, span[at..], includeInsertionAtEnd: true);
        }
        else
        {
            at = Append(span, at, source[restStart..]);
        }

        return at == length ? output : output[..at];
    }

    /// <summary>
    /// CANCEL for a branch (RFC 3261 section 9.1): the branch's Request-URI, its top Via only (so
    /// the same branch), Route, From, To, Call-ID and the CSeq number with method CANCEL.
    /// </summary>
    public static byte[] WriteCancel(SipMessage branchRequest) => WriteHopByHop(branchRequest, "CANCEL"u8, toValue: default);

    /// <summary>
    /// ACK for a negative final answer (RFC 3261 section 17.1.1.3): as the CANCEL, but method ACK and
    /// the To header of the answer (it carries the callee's tag).
    /// </summary>
    public static byte[] WriteAck(SipMessage branchRequest, SipMessage response)
        => WriteHopByHop(branchRequest, "ACK"u8, response[response.GetFirstValue(HeaderId.To)]);

    private static byte[] WriteHopByHop(SipMessage request, ReadOnlySpan<byte> method, ReadOnlySpan<byte> toValue)
    {
        var writer = new ArrayBufferWriter<byte>(512);
        Write(writer, method);
        Write(writer, " "u8);
        Write(writer, request[request.RequestUri]);
        Write(writer, SipVersion);
        if (request.TryGetTopVia(out var via))
        {
            Line(writer, "Via"u8, request[via.Value]);
        }

        for (var i = request.IndexOf(HeaderId.Route); i >= 0; i = request.IndexOf(HeaderId.Route, i))
        {
            Line(writer, "Route"u8, request[request.GetHeader(i).Value]);
        }

        Line(writer, "Max-Forwards"u8, "70"u8);
        Line(writer, "From"u8, request[request.GetFirstValue(HeaderId.From)]);
        Line(writer, "To"u8, toValue.IsEmpty ? request[request.GetFirstValue(HeaderId.To)] : toValue);
        Line(writer, "Call-ID"u8, request[request.CallId]);
        Span<byte> number = stackalloc byte[10];
        var digits = 0;
        if (request.TryGetCSeq(out var cseq))
        {
            cseq.Number.TryFormat(number, out digits, default, CultureInfo.InvariantCulture);
        }

        Write(writer, "CSeq: "u8);
        Write(writer, number[..digits]);
        Write(writer, " "u8);
        Write(writer, method);
        Write(writer, Crlf);
        Write(writer, "Content-Length: 0\r\n\r\n"u8);
        return writer.WrittenSpan.ToArray();
    }

    private static void Line(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Write(writer, name);
        Write(writer, ": "u8);
        Write(writer, value);
        Write(writer, Crlf);
    }

    private static void Write(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    /// <summary>Parses bytes this proxy wrote itself (a branch it keeps for CANCEL and ACK).</summary>
    internal static SipMessage? Parse(ReadOnlyMemory<byte> bytes)
        => SipMessageParser.TryParse(bytes, out var message, out _) == SipParseStatus.Ok ? message : null;
}
