using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// credentials = ("Digest" LWS digest-response) / other-response, where both are comma-separated
/// auth-param = token EQUAL ( token / quoted-string ) (RFC 3261 section 25.1).
/// </summary>
public static class DigestParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, TextRange value, out DigestCredentials credentials)
    {
        credentials = default;
        if (!value.IsPresent || value.End > text.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> span = text[..value.End];
        int end = value.End;
        int schemeStart = SipGrammar.SkipLws(span, value.Offset);
        int schemeEnd = SipGrammar.ScanToken(span, schemeStart);
        if (schemeEnd == schemeStart)
        {
            return false;
        }

        var result = new DigestCredentials
        {
            Scheme = TextRange.FromBounds(schemeStart, schemeEnd),
            IsDigest = System.Text.Ascii.EqualsIgnoreCase(span[schemeStart..schemeEnd], "Digest"u8),
        };

        int i = SipGrammar.SkipLws(span, schemeEnd);
        if (i == schemeEnd && i < end)
        {
            return false;
        }

        bool first = true;
        while (i < end)
        {
            if (!first)
            {
                if (span[i] != ',')
                {
                    return false;
                }

                i = SipGrammar.SkipLws(span, i + 1);
            }

            first = false;
            int nameEnd = SipGrammar.ScanToken(span, i);
            if (nameEnd == i)
            {
                return false;
            }

            TextRange name = TextRange.FromBounds(i, nameEnd);
            i = SipGrammar.SkipLws(span, nameEnd);
            if (i >= end || span[i] != '=')
            {
                return false;
            }

            i = SipGrammar.SkipLws(span, i + 1);
            TextRange paramValue;
            if (i < end && span[i] == '"')
            {
                if (!SipGrammar.TryScanQuotedString(span, i, out int afterQuote))
                {
                    return false;
                }

                paramValue = TextRange.FromBounds(i + 1, afterQuote - 1);
                i = afterQuote;
            }
            else
            {
                int valueEnd = SipGrammar.ScanToken(span, i);
                if (valueEnd == i)
                {
                    return false;
                }

                paramValue = TextRange.FromBounds(i, valueEnd);
                i = valueEnd;
            }

            if (result.IsDigest)
            {
                result = Assign(result, name.Of(span), paramValue);
            }

            i = SipGrammar.SkipLws(span, i);
        }

        credentials = result;
        return true;
    }

    private static DigestCredentials Assign(DigestCredentials c, ReadOnlySpan<byte> name, TextRange value)
    {
        if (Is(name, "username"u8)) return c with { Username = value };
        if (Is(name, "realm"u8)) return c with { Realm = value };
        if (Is(name, "nonce"u8)) return c with { Nonce = value };
        if (Is(name, "uri"u8)) return c with { Uri = value };
        if (Is(name, "response"u8)) return c with { Response = value };
        if (Is(name, "algorithm"u8)) return c with { Algorithm = value };
        if (Is(name, "cnonce"u8)) return c with { Cnonce = value };
        if (Is(name, "opaque"u8)) return c with { Opaque = value };
        if (Is(name, "qop"u8)) return c with { Qop = value };
        if (Is(name, "nc"u8)) return c with { NonceCount = value };
        return c;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> known) => System.Text.Ascii.EqualsIgnoreCase(name, known);
}
