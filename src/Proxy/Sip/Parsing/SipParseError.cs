namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// Why a message cannot be processed. Closed set: every value maps to exactly one answer in
/// <see cref="SipParseErrors.GetAnswer"/>.
/// </summary>
public enum SipParseError : byte
{
    None = 0,

    // Framing and structure (SipMessageParser).
    EmptyMessage,
    MissingHeaderTerminator,
    MalformedStartLine,
    MalformedRequestUri,
    UnsupportedVersion,
    MalformedStatusCode,
    MalformedHeaderLine,
    TooManyHeaders,
    InvalidContentLength,
    ConflictingContentLength,
    BodyShorterThanContentLength,
    MissingContentLength,
    BodyTooLarge,
    MessageTooLarge,

    // Header values (SipRequestValidator).
    MissingRequiredHeader,
    DuplicateSingleValueHeader,
    MalformedVia,
    MalformedFrom,
    MalformedTo,
    MalformedCallId,
    MalformedCSeq,
    MalformedContact,
    MalformedDate,
    CSeqMethodMismatch,
    ExtensionMethodCSeqMismatch,
    UnsupportedUriScheme,
    RequestUriWithHeaders,
    BadExtension,
    TooManyHops,
}

/// <summary>What a proxy owes the sender of a message that failed with a <see cref="SipParseError"/>.</summary>
public readonly record struct SipErrorAnswer(int StatusCode, string ReasonPhrase)
{
    /// <summary>True when nothing is sent back: malformed responses and unusable input are dropped (RFC 3261 18.1.2, 16.7).</summary>
    public bool IsSilentDrop => StatusCode == 0;

    public static SipErrorAnswer Drop => new(0, string.Empty);
}

public static class SipParseErrors
{
    /// <summary>
    /// The one place where errors become protocol answers. A response is never answered: a
    /// malformed response is silently discarded. Strings here are constants, so the error path
    /// allocates nothing.
    /// </summary>
    public static SipErrorAnswer GetAnswer(SipParseError error, bool isRequest)
    {
        if (error == SipParseError.None || !isRequest)
        {
            return SipErrorAnswer.Drop;
        }

        return error switch
        {
            SipParseError.EmptyMessage => SipErrorAnswer.Drop,
            SipParseError.MalformedStatusCode => SipErrorAnswer.Drop,
            SipParseError.MissingHeaderTerminator => new(400, "Bad Request - Missing End of Headers"),
            SipParseError.MalformedStartLine => new(400, "Bad Request - Malformed Request-Line"),
            SipParseError.MalformedRequestUri => new(400, "Bad Request - Malformed Request-URI"),
            SipParseError.UnsupportedVersion => new(505, "Version Not Supported"),
            SipParseError.MalformedHeaderLine => new(400, "Bad Request - Malformed Header Line"),
            SipParseError.TooManyHeaders => new(400, "Bad Request - Too Many Header Fields"),
            SipParseError.InvalidContentLength => new(400, "Bad Request - Invalid Content-Length"),
            SipParseError.ConflictingContentLength => new(400, "Bad Request - Multiple Content-Length Values"),
            SipParseError.BodyShorterThanContentLength => new(400, "Bad Request - Body Shorter Than Content-Length"),
            SipParseError.MissingContentLength => new(400, "Bad Request - Content-Length Required on Stream"),
            SipParseError.BodyTooLarge => new(413, "Request Entity Too Large"),
            SipParseError.MessageTooLarge => new(513, "Message Too Large"),
            SipParseError.MissingRequiredHeader => new(400, "Bad Request - Missing Required Header Field"),
            SipParseError.DuplicateSingleValueHeader => new(400, "Bad Request - Multiple Values in Single-Value Header Field"),
            SipParseError.MalformedVia => new(400, "Bad Request - Malformed Via"),
            SipParseError.MalformedFrom => new(400, "Bad Request - Malformed From"),
            SipParseError.MalformedTo => new(400, "Bad Request - Malformed To"),
            SipParseError.MalformedCallId => new(400, "Bad Request - Malformed Call-ID"),
            SipParseError.MalformedCSeq => new(400, "Bad Request - Malformed CSeq"),
            SipParseError.MalformedContact => new(400, "Bad Request - Malformed Contact"),
            SipParseError.MalformedDate => new(400, "Bad Request - Malformed Date"),
            SipParseError.CSeqMethodMismatch => new(400, "Bad Request - CSeq Method Does Not Match"),
            SipParseError.ExtensionMethodCSeqMismatch => new(501, "Not Implemented"),
            SipParseError.UnsupportedUriScheme => new(416, "Unsupported URI Scheme"),
            SipParseError.RequestUriWithHeaders => new(400, "Bad Request - Headers in Request-URI"),
            SipParseError.BadExtension => new(420, "Bad Extension"),
            SipParseError.TooManyHops => new(483, "Too Many Hops"),
            _ => new(400, "Bad Request"),
        };
    }
}

/// <summary>Outcome of a parse attempt.</summary>
public enum SipParseStatus : byte
{
    Ok = 0,

    /// <summary>Stream framing only: more bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The input is not an acceptable message; see the <see cref="SipParseError"/>.</summary>
    Invalid,
}

/// <summary>How the message arrived, which decides what a missing or too-large Content-Length means (RFC 3261 18.3).</summary>
public enum SipFraming : byte
{
    /// <summary>One message per datagram: no Content-Length means "the rest of the datagram"; octets past it are discarded.</summary>
    Datagram = 0,

    /// <summary>A byte stream: Content-Length is mandatory and a short body means "wait for more".</summary>
    Stream,
}
