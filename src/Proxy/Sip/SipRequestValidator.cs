using System.Buffers;
using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Sip;

/// <summary>
/// Decides whether a parsed message can be processed, and if not which <see cref="SipParseError"/>
/// it earned; <see cref="SipParseErrors.GetAnswer"/> turns that into the owed reply (or a silent
/// drop for responses). Checks follow RFC 3261 (8.2, 16.3) and the verdicts RFC 4475 gives:
/// required and single-value headers, Via, From, To, Call-ID, CSeq (and its method), Contact,
/// Date, the Request-URI scheme, and, for a forwarding proxy, Max-Forwards and Proxy-Require.
/// Immutable after construction and safe to share.
/// </summary>
public sealed class SipRequestValidator
{
    private readonly byte[][] _supportedProxyExtensions;

    public SipRequestValidator(IEnumerable<string>? supportedProxyExtensions = null)
    {
        _supportedProxyExtensions = supportedProxyExtensions is null
            ? []
            : [.. supportedProxyExtensions.Select(Encoding.ASCII.GetBytes)];
    }

    /// <summary>A validator for a proxy that supports no Proxy-Require extension.</summary>
    public static SipRequestValidator Default { get; } = new();

    /// <param name="forwarding">
    /// True when the proxy is about to forward the request: then Max-Forwards 0 earns 483 and an
    /// unsupported Proxy-Require option earns 420 (RFC 3261 16.3 steps 3 and 4).
    /// </param>
    public SipParseError Validate(SipMessage message, bool forwarding = true)
    {
        if (message.ParseError != SipParseError.None)
        {
            return message.ParseError;
        }

        SipParseError error = CheckCommonHeaders(message);
        if (error != SipParseError.None || message.IsResponse)
        {
            return error;
        }

        error = CheckRequestHeaders(message);
        if (error != SipParseError.None)
        {
            return error;
        }

        if (forwarding)
        {
            if (message.TryGetMaxForwards(out int maxForwards) && maxForwards == 0)
            {
                return SipParseError.TooManyHops;
            }

            if (HasUnsupportedProxyRequire(message))
            {
                return SipParseError.BadExtension;
            }
        }

        return SipParseError.None;
    }

    /// <summary>The answer owed for <paramref name="message"/>; <see cref="SipErrorAnswer.IsSilentDrop"/> for a response or no error.</summary>
    public SipErrorAnswer GetAnswer(SipMessage message, bool forwarding = true) =>
        SipParseErrors.GetAnswer(Validate(message, forwarding), message.IsRequest);

    /// <summary>
    /// Writes the "Unsupported: tag, tag" line (with CRLF) that a 420 must carry (RFC 3261 20.40),
    /// listing the Proxy-Require option tags this proxy does not support.
    /// </summary>
    public void WriteUnsupportedHeader(SipMessage message, IBufferWriter<byte> output)
    {
        int length = "Unsupported: "u8.Length + 2;
        foreach (TextRange tag in message.GetValues(HeaderId.ProxyRequire))
        {
            if (!tag.IsEmpty && !IsSupported(message[tag]))
            {
                length += tag.Length + 2;
            }
        }

        Span<byte> span = output.GetSpan(length);
        int written = 0;
        Append(span, ref written, "Unsupported: "u8);
        bool first = true;
        foreach (TextRange tag in message.GetValues(HeaderId.ProxyRequire))
        {
            if (tag.IsEmpty || IsSupported(message[tag]))
            {
                continue;
            }

            if (!first)
            {
                Append(span, ref written, ", "u8);
            }

            Append(span, ref written, message[tag]);
            first = false;
        }

        Append(span, ref written, "\r\n"u8);
        output.Advance(written);
    }

    private static SipParseError CheckCommonHeaders(SipMessage message)
    {
        // RFC 3261 8.1.1: To, From, CSeq, Call-ID and Via are mandatory in every request, and a response copies them.
        if (!message.Contains(HeaderId.Via) || !message.Contains(HeaderId.From) || !message.Contains(HeaderId.To)
            || !message.Contains(HeaderId.CallId) || !message.Contains(HeaderId.CSeq))
        {
            return SipParseError.MissingRequiredHeader;
        }

        // RFC 4475 3.3.7: several values in a single-value header field.
        if (message.CountLines(HeaderId.From) > 1 || message.CountLines(HeaderId.To) > 1
            || message.CountLines(HeaderId.CallId) > 1 || message.CountLines(HeaderId.CSeq) > 1
            || message.CountLines(HeaderId.MaxForwards) > 1)
        {
            return SipParseError.DuplicateSingleValueHeader;
        }

        SipParseError viaError = CheckVias(message);
        if (viaError != SipParseError.None)
        {
            return viaError;
        }

        if (!message.TryGetFrom(out _))
        {
            return SipParseError.MalformedFrom;
        }

        if (!message.TryGetTo(out _))
        {
            return SipParseError.MalformedTo;
        }

        if (!IsCallId(message[message.CallId]))
        {
            return SipParseError.MalformedCallId;
        }

        return message.TryGetCSeq(out _) ? SipParseError.None : SipParseError.MalformedCSeq;
    }

    private static SipParseError CheckVias(SipMessage message)
    {
        bool top = true;
        var values = message.GetValues(HeaderId.Via);
        while (values.MoveNext())
        {
            if (!ViaParser.TryParse(message.Span, values.Current, out SipVia via) || values.Unbalanced)
            {
                return SipParseError.MalformedVia;
            }

            // RFC 4475 3.2.1: the RFC 3261 magic cookie with no identifier after it is answered with 400.
            if (top && message.IsRequest && message[via.Branch].SequenceEqual("z9hG4bK"u8))
            {
                return SipParseError.MalformedVia;
            }

            top = false;
        }

        return SipParseError.None;
    }

    private static SipParseError CheckRequestHeaders(SipMessage message)
    {
        message.TryGetCSeq(out SipCSeq cseq);
        if (!message[cseq.MethodName].SequenceEqual(message[message.MethodName]))
        {
            // RFC 4475 3.1.2.17/3.1.2.18: 400 for a known method, 501 for an unknown one.
            return message.Method == SipMethod.Extension ? SipParseError.ExtensionMethodCSeqMismatch : SipParseError.CSeqMethodMismatch;
        }

        var contacts = message.GetContacts();
        while (contacts.MoveNext())
        {
        }

        if (contacts.Malformed)
        {
            return SipParseError.MalformedContact;
        }

        int dateIndex = message.IndexOf(HeaderId.Date);
        if (dateIndex >= 0 && !IsRfc1123Date(message[message.GetHeader(dateIndex).Value]))
        {
            return SipParseError.MalformedDate;
        }

        return CheckRequestUri(message);
    }

    private static SipParseError CheckRequestUri(SipMessage message)
    {
        ReadOnlySpan<byte> uri = message[message.RequestUri];
        int colon = uri.IndexOf((byte)':');
        ReadOnlySpan<byte> scheme = colon < 0 ? uri : uri[..colon];
        bool known = Ascii.EqualsIgnoreCase(scheme, "sip"u8) || Ascii.EqualsIgnoreCase(scheme, "sips"u8) || Ascii.EqualsIgnoreCase(scheme, "tel"u8);
        if (!known)
        {
            // RFC 4475 3.3.1/3.3.2: a scheme the proxy does not route is answered with 416.
            return SipParseError.UnsupportedUriScheme;
        }

        if (!message.TryGetRequestUri(out SipUri parsed))
        {
            return SipParseError.MalformedRequestUri;
        }

        // RFC 3261 19.1.5 / RFC 4475 3.1.2.11: headers are not allowed in a Request-URI.
        return parsed.Headers.IsPresent ? SipParseError.RequestUriWithHeaders : SipParseError.None;
    }

    // Call-ID = word [ "@" word ] (RFC 3261 25.1). Deployed phones put octets outside "word" into
    // Call-IDs (base64 "=" padding, "#"), and a proxy only compares Call-IDs, so any run of visible
    // octets is accepted: what is refused is an empty value or one with white space or controls.
    private static bool IsCallId(ReadOnlySpan<byte> callId)
    {
        if (callId.IsEmpty)
        {
            return false;
        }

        foreach (byte b in callId)
        {
            if (b <= ' ' || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    // rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 25.1): 29 octets, only GMT (RFC 4475 3.1.2.12).
    private static bool IsRfc1123Date(ReadOnlySpan<byte> date)
    {
        if (date.Length != 29 || !date.EndsWith(" GMT"u8) || date[3] != ',' || date[4] != ' ')
        {
            return false;
        }

        ReadOnlySpan<byte> time = date[17..25];
        return SipGrammar.IsDigit(date[5]) && SipGrammar.IsDigit(date[6])
            && SipGrammar.IsDigit(time[0]) && SipGrammar.IsDigit(time[1]) && time[2] == ':'
            && SipGrammar.IsDigit(time[3]) && SipGrammar.IsDigit(time[4]) && time[5] == ':'
            && SipGrammar.IsDigit(time[6]) && SipGrammar.IsDigit(time[7]);
    }

    private bool HasUnsupportedProxyRequire(SipMessage message)
    {
        foreach (TextRange tag in message.GetValues(HeaderId.ProxyRequire))
        {
            if (!tag.IsEmpty && !IsSupported(message[tag]))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSupported(ReadOnlySpan<byte> optionTag)
    {
        foreach (byte[] supported in _supportedProxyExtensions)
        {
            if (Ascii.EqualsIgnoreCase(optionTag, supported))
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(Span<byte> span, ref int written, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[written..]);
        written += bytes.Length;
    }
}
