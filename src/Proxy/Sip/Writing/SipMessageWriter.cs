using System.Buffers;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Shared.Buffers;

namespace NatEdge.Proxy.Sip.Writing;

/// <summary>
/// Records the edits a proxy makes to a message it forwards (Via push and pop, Record-Route insert,
/// header removal and append, value rewrite, body replacement) as splices on
/// <see cref="SipMessage.Edits"/>, and writes the result in one copy. Headers nobody touched,
/// unknown ones included, go out in their order and byte for byte.
/// </summary>
public static class SipMessageWriter
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>Adds a Via value on top (RFC 3261 16.6 step 8) as its own line before the first Via line.</summary>
    public static void PushVia(SipMessage message, ReadOnlySpan<byte> viaValue) =>
        InsertHeaderBefore(message, FirstLineStart(message, HeaderId.Via), "Via"u8, viaValue);

    /// <summary>
    /// Removes the topmost Via value (RFC 3261 16.7 step 3): the whole line when it holds one value,
    /// else the value and its comma. False when the message has no Via.
    /// </summary>
    public static bool PopVia(SipMessage message)
    {
        int index = message.IndexOf(HeaderId.Via);
        if (index < 0)
        {
            return false;
        }

        HeaderEntry line = message.GetHeader(index);
        var values = new CommaSeparatedValues(message.Span, line.Value);
        if (!values.MoveNext())
        {
            return false;
        }

        TextRange first = values.Current;
        if (!values.MoveNext())
        {
            message.Edits.Remove(line.Line.Offset, line.Line.Length);
            return true;
        }

        message.Edits.Remove(first.Offset, values.Current.Offset - first.Offset);
        return true;
    }

    /// <summary>
    /// Adds a Record-Route value on top of the list (RFC 3261 16.6 step 4): before the first
    /// Record-Route line, or right after the start line when there is none.
    /// </summary>
    public static void InsertRecordRoute(SipMessage message, ReadOnlySpan<byte> value)
    {
        int index = message.IndexOf(HeaderId.RecordRoute);
        int offset = index >= 0 ? message.GetHeader(index).Line.Offset : message.StartLine.End + 2;
        InsertHeaderBefore(message, offset, "Record-Route"u8, value);
    }

    public static void RemoveHeader(SipMessage message, int headerIndex)
    {
        TextRange line = message.GetHeader(headerIndex).Line;
        message.Edits.Remove(line.Offset, line.Length);
    }

    /// <summary>Removes every line with this id; returns how many were removed.</summary>
    public static int RemoveHeaders(SipMessage message, HeaderId id)
    {
        int removed = 0;
        for (int i = message.IndexOf(id); i >= 0; i = message.IndexOf(id, i))
        {
            RemoveHeader(message, i);
            removed++;
        }

        return removed;
    }

    /// <summary>Adds "name: value" as the last header line.</summary>
    public static void AppendHeader(SipMessage message, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        InsertHeaderBefore(message, message.HeaderSectionEnd, name, value);

    /// <summary>Replaces a range of the message, e.g. a Contact URI (NAT Contact fixing) or a parameter value.</summary>
    public static void Replace(SipMessage message, TextRange range, ReadOnlySpan<byte> replacement) =>
        message.Edits.Replace(range.Offset, range.Length, replacement);

    /// <summary>Replaces the body and keeps Content-Length in step with it.</summary>
    public static void ReplaceBody(SipMessage message, ReadOnlySpan<byte> body)
    {
        message.Edits.Replace(message.Body.Offset, message.Body.Length, body);
        int index = message.IndexOf(HeaderId.ContentLength);
        int digits = SpanWriter.DigitCount(body.Length);
        if (index >= 0)
        {
            TextRange value = message.GetHeader(index).Value;
            Span<byte> space = message.Edits.Reserve(value.Offset, value.Length, digits);
            body.Length.TryFormat(space, out _, default, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            Span<byte> number = stackalloc byte[11];
            body.Length.TryFormat(number, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            AppendHeader(message, "Content-Length"u8, number[..written]);
        }
    }

    /// <summary>Length of the message as it will be written.</summary>
    public static int GetLength(SipMessage message) =>
        message.HasEdits ? message.Edits.GetOutputLength(message.Data.Length) : message.Data.Length;

    public static int Write(SipMessage message, Span<byte> destination)
    {
        if (!message.HasEdits)
        {
            message.Span.CopyTo(destination);
            return message.Data.Length;
        }

        return message.Edits.Apply(message.Span, destination);
    }

    public static void Write(SipMessage message, IBufferWriter<byte> output)
    {
        int length = GetLength(message);
        Span<byte> destination = output.GetSpan(length);
        output.Advance(Write(message, destination));
    }

    private static int FirstLineStart(SipMessage message, HeaderId id)
    {
        int index = message.IndexOf(id);
        return index >= 0 ? message.GetHeader(index).Line.Offset : message.StartLine.End + 2;
    }

    private static void InsertHeaderBefore(SipMessage message, int offset, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Span<byte> space = message.Edits.Reserve(offset, 0, name.Length + 2 + value.Length + 2);
        var writer = new SpanWriter(space);
        writer.Write(name);
        writer.Write(": "u8);
        writer.Write(value);
        writer.Write(Crlf);
    }
}
