using System.Buffers;
using System.Text;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>Outcome of one framing attempt on a stream buffer.</summary>
public enum StreamFrameStatus
{
    /// <summary>More bytes are needed; nothing but leading blank lines was consumed.</summary>
    Incomplete,

    /// <summary>A whole message (header section, blank line and Content-Length body bytes).</summary>
    Message,

    /// <summary>A CRLFCRLF keep-alive ping (RFC 5626 section 4.4.1); answer with one CRLF.</summary>
    KeepAlivePing,

    /// <summary>The stream cannot be framed any further; see <see cref="StreamFramingError"/>.</summary>
    Error,
}

/// <summary>Why a stream stopped being framable (RFC 3261 section 18.3).</summary>
public enum StreamFramingError
{
    None,

    /// <summary>No blank line within the size limit: the header section is too large to hold.</summary>
    HeaderSectionTooLarge,

    /// <summary>Content-Length is mandatory on stream transports (RFC 3261 section 18.3).</summary>
    MissingContentLength,

    /// <summary>Content-Length is not a number, or two of them disagree.</summary>
    InvalidContentLength,

    /// <summary>Header section plus the announced body exceed the size limit (owed 513 to a request).</summary>
    MessageTooLarge,
}

/// <summary>One framing result: what was found and where the caller may advance to.</summary>
public readonly struct StreamFrame
{
    public StreamFrame(StreamFrameStatus status, StreamFramingError error, ReadOnlySequence<byte> bytes, SequencePosition consumed)
    {
        Status = status;
        Error = error;
        Bytes = bytes;
        Consumed = consumed;
    }

    public StreamFrameStatus Status { get; }

    public StreamFramingError Error { get; }

    /// <summary>The message for <see cref="StreamFrameStatus.Message"/>; the header section (when whole) for errors.</summary>
    public ReadOnlySequence<byte> Bytes { get; }

    /// <summary>Position after everything this result accounts for (pass to PipeReader.AdvanceTo).</summary>
    public SequencePosition Consumed { get; }
}

/// <summary>
/// Cuts a SIP byte stream into messages (RFC 3261 section 18.3): CRLFs before a start line are
/// ignored (section 7.5), a double CRLF there is a keep-alive ping (RFC 5626 section 4.4.1), the
/// header section ends at the first CRLFCRLF and the body is exactly Content-Length bytes, a
/// header that is mandatory on streams. Nothing is consumed until a whole unit is present, so a
/// caller may offer any prefix of the stream and offer it again when more arrives.
/// </summary>
public sealed class SipStreamFramer
{
    private static ReadOnlySpan<byte> HeaderTerminator => "\r\n\r\n"u8;

    private readonly int _maxMessageBytes;

    /// <param name="maxMessageBytes">Largest header section plus body accepted; SER and Kamailio use 65535 (BUF_SIZE).</param>
    public SipStreamFramer(int maxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 16);
        _maxMessageBytes = maxMessageBytes;
    }

    public int MaxMessageBytes => _maxMessageBytes;

    public StreamFrame Read(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.IsNext((byte)'\r'))
        {
            if (reader.IsNext(HeaderTerminator))
            {
                reader.Advance(HeaderTerminator.Length);
                return new StreamFrame(StreamFrameStatus.KeepAlivePing, StreamFramingError.None, default, reader.Position);
            }

            if (reader.Remaining < HeaderTerminator.Length)
            {
                // "\r", "\r\n" or "\r\n\r": it may still become a ping, so wait for more.
                return Incomplete(buffer, buffer.Start);
            }

            if (!reader.IsNext("\r\n"u8))
            {
                break;
            }

            reader.Advance(2);
        }

        var start = reader.Position;
        var rest = buffer.Slice(start);
        var searchable = rest.Length > _maxMessageBytes ? rest.Slice(0, _maxMessageBytes) : rest;
        var headerReader = new SequenceReader<byte>(searchable);
        if (!headerReader.TryReadTo(out ReadOnlySequence<byte> headerLines, HeaderTerminator, advancePastDelimiter: true))
        {
            return rest.Length >= _maxMessageBytes
                ? Failure(StreamFramingError.HeaderSectionTooLarge, default, start)
                : Incomplete(buffer, start);
        }

        var headerSection = rest.Slice(0, headerReader.Consumed);
        var contentLength = ContentLengthReader.Read(headerLines);
        if (contentLength == ContentLengthReader.Missing)
        {
            return Failure(StreamFramingError.MissingContentLength, headerSection, start);
        }

        if (contentLength == ContentLengthReader.Invalid)
        {
            return Failure(StreamFramingError.InvalidContentLength, headerSection, start);
        }

        var total = headerSection.Length + contentLength;
        if (total > _maxMessageBytes)
        {
            return Failure(StreamFramingError.MessageTooLarge, headerSection, start);
        }

        if (rest.Length < total)
        {
            return Incomplete(buffer, start);
        }

        var message = rest.Slice(0, total);
        return new StreamFrame(StreamFrameStatus.Message, StreamFramingError.None, message, message.End);
    }

    private static StreamFrame Incomplete(in ReadOnlySequence<byte> buffer, SequencePosition consumed) =>
        new(StreamFrameStatus.Incomplete, StreamFramingError.None, default, consumed);

    private static StreamFrame Failure(StreamFramingError error, ReadOnlySequence<byte> headerSection, SequencePosition consumed) =>
        new(StreamFrameStatus.Error, error, headerSection, consumed);

    /// <summary>
    /// Finds Content-Length (compact form "l", RFC 3261 section 7.3.3) in a header section without
    /// building the header index: framing has to happen before the message parser sees the bytes.
    /// </summary>
    private static class ContentLengthReader
    {
        public const long Missing = -1;
        public const long Invalid = -2;

        public static long Read(ReadOnlySequence<byte> headerLines)
        {
            if (headerLines.IsSingleSegment)
            {
                return Read(headerLines.FirstSpan);
            }

            var rented = ArrayPool<byte>.Shared.Rent((int)headerLines.Length);
            try
            {
                headerLines.CopyTo(rented);
                return Read(rented.AsSpan(0, (int)headerLines.Length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        private static long Read(ReadOnlySpan<byte> lines)
        {
            var found = Missing;

            // The first line is the start line; header lines follow, each ending in CRLF.
            var firstBreak = lines.IndexOf("\r\n"u8);
            if (firstBreak < 0)
            {
                return Missing;
            }

            var remaining = lines[(firstBreak + 2)..];
            while (!remaining.IsEmpty)
            {
                var line = TakeLine(ref remaining);
                if (!IsContentLengthName(line, out var value))
                {
                    continue;
                }

                // A folded value (RFC 3261 section 7.3.1) continues on lines starting with SP or HTAB.
                while (value.Trim(" \t"u8).IsEmpty && !remaining.IsEmpty && (remaining[0] == (byte)' ' || remaining[0] == (byte)'\t'))
                {
                    value = TakeLine(ref remaining);
                }

                var parsed = ParseValue(value);
                if (parsed == Invalid || (found >= 0 && found != parsed))
                {
                    return Invalid;
                }

                found = parsed;
            }

            return found;
        }

        private static ReadOnlySpan<byte> TakeLine(ref ReadOnlySpan<byte> remaining)
        {
            var lineEnd = remaining.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? remaining : remaining[..lineEnd];
            remaining = lineEnd < 0 ? default : remaining[(lineEnd + 2)..];
            return line;
        }

        private static bool IsContentLengthName(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
        {
            value = default;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var name = line[..colon].TrimEnd(" \t"u8);
            if (!name.SequenceEqual("l"u8) && !name.SequenceEqual("L"u8) && !Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                return false;
            }

            value = line[(colon + 1)..];
            return true;
        }

        private static long ParseValue(ReadOnlySpan<byte> value)
        {
            var digits = value.Trim(" \t"u8);
            if (digits.IsEmpty || digits.Length > 9)
            {
                // Nine digits already exceed any size limit a proxy would configure.
                return digits.Length > 9 && AllDigits(digits) ? long.MaxValue / 2 : Invalid;
            }

            long result = 0;
            foreach (var b in digits)
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return Invalid;
                }

                result = (result * 10) + (b - '0');
            }

            return result;
        }

        private static bool AllDigits(ReadOnlySpan<byte> digits) => !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
