using System.Buffers;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// Turns received bytes into a <see cref="SipMessage"/>: start line, header index and body, in one
/// pass, without copying the bytes and without parsing header values beyond Content-Length (which
/// framing needs). Never throws on input. When the structure is wrong but the header section could
/// still be indexed, the message is returned together with the error so that a 400 can be built.
/// </summary>
public static class SipMessageParser
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> EndOfHeaders => "\r\n\r\n"u8;

    /// <summary>Parses one datagram.</summary>
    public static SipParseStatus TryParse(ReadOnlyMemory<byte> data, out SipMessage? message, out SipParseError error) =>
        TryParse(data, SipFraming.Datagram, SipParserLimits.Default, out message, out error, out _);

    /// <summary>
    /// Parses one message from the start of <paramref name="data"/>. With <see cref="SipFraming.Stream"/>,
    /// a header section without its empty line or a body shorter than Content-Length is
    /// <see cref="SipParseStatus.Incomplete"/> and <paramref name="consumed"/> is 0; otherwise
    /// <paramref name="consumed"/> is the length of the message including any CRLFs before it.
    /// </summary>
    public static SipParseStatus TryParse(
        ReadOnlyMemory<byte> data,
        SipFraming framing,
        SipParserLimits limits,
        out SipMessage? message,
        out SipParseError error,
        out int consumed)
    {
        message = null;
        error = SipParseError.None;
        consumed = 0;
        ReadOnlySpan<byte> span = data.Span;

        // RFC 3261 7.5: CRLFs before the start line are ignored (they are keep-alives on streams).
        int start = 0;
        while (start + 1 < span.Length && span[start] == '\r' && span[start + 1] == '\n')
        {
            start += 2;
        }

        int terminator = span[start..].IndexOf(EndOfHeaders);
        if (terminator < 0)
        {
            if (framing == SipFraming.Stream)
            {
                return SipParseStatus.Incomplete;
            }

            error = start >= span.Length ? SipParseError.EmptyMessage : SipParseError.MissingHeaderTerminator;
            return SipParseStatus.Invalid;
        }

        int headersEnd = start + terminator + 2;   // just past the last header's CRLF
        int bodyStart = headersEnd + 2;

        var parsed = new SipMessage(data[start..]);
        int relativeHeadersEnd = headersEnd - start;
        ReadOnlySpan<byte> messageSpan = span[start..];
        SipParseError structural = IndexStartLine(messageSpan, parsed, out int firstHeader);
        SipParseError headerError = IndexHeaders(messageSpan, firstHeader, relativeHeadersEnd, limits, parsed, out int contentLength);
        if (structural == SipParseError.None)
        {
            structural = headerError;
        }

        parsed.HeaderSectionEnd = relativeHeadersEnd;
        parsed.ContentLength = contentLength;
        int relativeBodyStart = bodyStart - start;
        int available = span.Length - bodyStart;
        int bodyLength;
        if (contentLength >= 0)
        {
            if (contentLength > available)
            {
                // Wait for the whole body even when the headers are faulty, so a framer that answers
                // the error can skip exactly this message.
                if (framing == SipFraming.Stream)
                {
                    return SipParseStatus.Incomplete;
                }

                bodyLength = available;
                if (structural == SipParseError.None)
                {
                    structural = SipParseError.BodyShorterThanContentLength;
                }
            }
            else
            {
                bodyLength = contentLength;
            }
        }
        else
        {
            // RFC 3261 18.3: without Content-Length a datagram's body runs to its end; on a stream it is mandatory.
            bodyLength = framing == SipFraming.Datagram ? available : 0;
            if (framing == SipFraming.Stream && structural == SipParseError.None && headerError == SipParseError.None)
            {
                structural = SipParseError.MissingContentLength;
            }
        }

        // Octets after the body (a second message in a datagram, RFC 4475 3.1.1.8) are not part of this one.
        int messageLength = relativeBodyStart + bodyLength;
        parsed.Data = data.Slice(start, messageLength);

        parsed.Body = new TextRange(relativeBodyStart, bodyLength);
        parsed.ParseError = structural;
        consumed = start + messageLength;
        message = parsed;
        error = structural;
        return structural == SipParseError.None ? SipParseStatus.Ok : SipParseStatus.Invalid;
    }

    /// <summary>
    /// Parses from a possibly segmented buffer (a PipeReader's). A message inside one segment is
    /// parsed in place; only a message that straddles segments is copied, into an array it then owns.
    /// </summary>
    public static SipParseStatus TryParse(
        in ReadOnlySequence<byte> data,
        SipFraming framing,
        SipParserLimits limits,
        out SipMessage? message,
        out SipParseError error,
        out int consumed)
    {
        if (data.IsSingleSegment)
        {
            return TryParse(data.First, framing, limits, out message, out error, out consumed);
        }

        if (framing == SipFraming.Stream)
        {
            // If the whole message sits in the first segment, it is parsed there without a copy.
            SipParseStatus status = TryParse(data.First, framing, limits, out message, out error, out consumed);
            if (status != SipParseStatus.Incomplete)
            {
                return status;
            }
        }

        return TryParse(data.ToArray(), framing, limits, out message, out error, out consumed);
    }

    private static SipParseError IndexStartLine(ReadOnlySpan<byte> span, SipMessage message, out int firstHeader)
    {
        int lineEnd = span.IndexOf(Crlf);
        firstHeader = lineEnd + 2;
        message.StartLine = new TextRange(0, lineEnd);
        ReadOnlySpan<byte> line = span[..lineEnd];
        if (line.Length >= 4 && System.Text.Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8))
        {
            message.IsRequest = false;
            return IndexStatusLine(line, message);
        }

        message.IsRequest = true;
        return IndexRequestLine(line, message);
    }

    // Request-Line = Method SP Request-URI SP SIP-Version CRLF, single spaces only (RFC 3261 7.1, RFC 4475 3.1.2.9/3.1.2.10).
    private static SipParseError IndexRequestLine(ReadOnlySpan<byte> line, SipMessage message)
    {
        int methodEnd = SipGrammar.ScanToken(line, 0);
        if (methodEnd == 0 || methodEnd >= line.Length || line[methodEnd] != ' ')
        {
            return SipParseError.MalformedStartLine;
        }

        message.MethodName = new TextRange(0, methodEnd);
        message.Method = SipMethods.Parse(line[..methodEnd]);
        int uriStart = methodEnd + 1;
        int lastSpace = line.LastIndexOf((byte)' ');
        if (lastSpace <= uriStart)
        {
            return SipParseError.MalformedStartLine;
        }

        message.RequestUri = TextRange.FromBounds(uriStart, lastSpace);
        message.Version = TextRange.FromBounds(lastSpace + 1, line.Length);
        SipParseError versionError = CheckVersion(line[(lastSpace + 1)..]);
        if (versionError == SipParseError.MalformedStartLine)
        {
            return versionError;
        }

        ReadOnlySpan<byte> uri = line[uriStart..lastSpace];
        if (uri.IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            return SipParseError.MalformedStartLine;
        }

        if (!LooksLikeAbsoluteUri(uri))
        {
            return SipParseError.MalformedRequestUri;
        }

        return versionError;
    }

    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF; Status-Code is 3DIGIT (100-699 are defined classes).
    private static SipParseError IndexStatusLine(ReadOnlySpan<byte> line, SipMessage message)
    {
        int versionEnd = line.IndexOf((byte)' ');
        if (versionEnd < 0)
        {
            return SipParseError.MalformedStartLine;
        }

        message.Version = new TextRange(0, versionEnd);
        SipParseError versionError = CheckVersion(line[..versionEnd]);
        if (versionError != SipParseError.None)
        {
            return versionError;
        }

        int codeStart = versionEnd + 1;
        int codeEnd = codeStart;
        while (codeEnd < line.Length && SipGrammar.IsDigit(line[codeEnd]))
        {
            codeEnd++;
        }

        if (codeEnd - codeStart != 3 || (codeEnd < line.Length && line[codeEnd] != ' '))
        {
            return SipParseError.MalformedStatusCode;
        }

        int code = ((line[codeStart] - '0') * 100) + ((line[codeStart + 1] - '0') * 10) + (line[codeStart + 2] - '0');
        if (code < 100 || code > 699)
        {
            return SipParseError.MalformedStatusCode;
        }

        message.StatusCode = code;
        int reasonStart = Math.Min(codeEnd + 1, line.Length);
        message.ReasonPhrase = TextRange.FromBounds(reasonStart, line.Length);
        return SipParseError.None;
    }

    // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive (RFC 3261 7.1); only 2.0 is supported.
    private static SipParseError CheckVersion(ReadOnlySpan<byte> version)
    {
        if (version.Length < 7 || !System.Text.Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8))
        {
            return SipParseError.MalformedStartLine;
        }

        ReadOnlySpan<byte> number = version[4..];
        int dot = number.IndexOf((byte)'.');
        if (dot <= 0 || dot == number.Length - 1
            || !SipGrammar.TryParseDecimal(number[..dot], 999, out ulong major)
            || !SipGrammar.TryParseDecimal(number[(dot + 1)..], 999, out ulong minor))
        {
            return SipParseError.MalformedStartLine;
        }

        return major == 2 && minor == 0 ? SipParseError.None : SipParseError.UnsupportedVersion;
    }

    // absoluteURI begins with scheme ":" (RFC 3261 25.1); "<sip:...>" is not a Request-URI (RFC 4475 3.1.2.7).
    private static bool LooksLikeAbsoluteUri(ReadOnlySpan<byte> uri)
    {
        if (uri.IsEmpty || !SipGrammar.IsAlpha(uri[0]))
        {
            return false;
        }

        int i = 1;
        while (i < uri.Length && SipGrammar.IsSchemeChar(uri[i]))
        {
            i++;
        }

        return i < uri.Length - 1 && uri[i] == ':' && uri.IndexOfAny((byte)'<', (byte)'>') < 0;
    }

    private static SipParseError IndexHeaders(
        ReadOnlySpan<byte> span,
        int position,
        int headersEnd,
        SipParserLimits limits,
        SipMessage message,
        out int contentLength)
    {
        contentLength = -1;
        bool sawContentLength = false;
        SipParseError firstError = SipParseError.None;
        if (position < headersEnd && SipGrammar.IsWsp(span[position]))
        {
            // A continuation line straight after the start line has nothing to continue.
            return SipParseError.MalformedHeaderLine;
        }

        while (position < headersEnd)
        {
            int lineEnd = FindLogicalLineEnd(span, position, headersEnd);
            if (lineEnd < 0)
            {
                return SipParseError.MalformedHeaderLine;
            }

            int nameEnd = SipGrammar.ScanToken(span, position);
            int colon = nameEnd;
            while (colon < lineEnd && SipGrammar.IsWsp(span[colon]))
            {
                colon++;
            }

            if (nameEnd == position || colon >= lineEnd || span[colon] != ':')
            {
                return SipParseError.MalformedHeaderLine;
            }

            HeaderId id = KnownHeaders.Lookup(span[position..nameEnd]);
            int valueStart = SipGrammar.SkipLws(span[..lineEnd], colon + 1);
            int valueEnd = SipGrammar.SkipLwsBackward(span, valueStart, lineEnd);
            var entry = new HeaderEntry(
                id,
                TextRange.FromBounds(position, nameEnd),
                TextRange.FromBounds(valueStart, valueEnd),
                TextRange.FromBounds(position, lineEnd + 2));
            if (!message.AddHeader(entry, limits.MaxHeaders))
            {
                return SipParseError.TooManyHeaders;
            }

            if (id == HeaderId.ContentLength)
            {
                SipParseError lengthError = ReadContentLength(span[valueStart..valueEnd], limits, ref contentLength, ref sawContentLength);
                if (lengthError != SipParseError.None && firstError == SipParseError.None)
                {
                    firstError = lengthError;
                }
            }

            position = lineEnd + 2;
        }

        return firstError;
    }

    /// <summary>
    /// The CR of the CRLF that ends the header line starting at <paramref name="position"/>, looking
    /// through folded continuation lines; -1 when a bare CR or LF is found.
    /// </summary>
    private static int FindLogicalLineEnd(ReadOnlySpan<byte> span, int position, int headersEnd)
    {
        int i = position;
        while (true)
        {
            int relative = span[i..headersEnd].IndexOfAny((byte)'\r', (byte)'\n');
            if (relative < 0)
            {
                return -1;
            }

            int cr = i + relative;
            if (span[cr] != '\r' || cr + 1 >= span.Length || span[cr + 1] != '\n')
            {
                return -1;
            }

            int next = cr + 2;
            if (next < headersEnd && SipGrammar.IsWsp(span[next]))
            {
                i = next;
                continue;
            }

            return cr;
        }
    }

    private static SipParseError ReadContentLength(ReadOnlySpan<byte> value, SipParserLimits limits, ref int contentLength, ref bool seen)
    {
        bool repeated = seen;
        seen = true;
        if (repeated)
        {
            // RFC 4475 3.3.9: several Content-Length values leave the framing unknowable, so none is used.
            contentLength = -1;
            return SipParseError.ConflictingContentLength;
        }

        if (!SipGrammar.TryParseDecimal(value, long.MaxValue, out ulong length))
        {
            // Negative, non-numeric or absurdly long (RFC 4475 3.1.2.3): never used as a count.
            return SipParseError.InvalidContentLength;
        }

        if (length > (ulong)limits.MaxContentLength)
        {
            return SipParseError.BodyTooLarge;
        }

        contentLength = (int)length;
        return SipParseError.None;
    }
}
