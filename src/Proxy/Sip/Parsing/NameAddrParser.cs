using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// ( name-addr / addr-spec ) *( SEMI param ), with name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
/// and display-name = *(token LWS) / quoted-string (RFC 3261 section 25.1). No LWS is allowed inside
/// the angle brackets, and an addr-spec written without them may not contain ",", ";" or "?".
/// </summary>
public static class NameAddrParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, TextRange value, out SipNameAddr nameAddr) =>
        TryParse(text, value, allowWildcard: false, out nameAddr);

    public static bool TryParseContact(ReadOnlySpan<byte> text, TextRange value, out SipNameAddr contact) =>
        TryParse(text, value, allowWildcard: true, out contact);

    private static bool TryParse(ReadOnlySpan<byte> text, TextRange value, bool allowWildcard, out SipNameAddr nameAddr)
    {
        nameAddr = default;
        if (!value.IsPresent || value.End > text.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> span = text[..value.End];
        int end = value.End;
        int start = SipGrammar.SkipLws(span, value.Offset);
        if (start >= end)
        {
            return false;
        }

        if (allowWildcard && span[start] == '*' && SipGrammar.SkipLws(span, start + 1) == end)
        {
            nameAddr = new SipNameAddr { Value = value, IsWildcard = true, Expires = -1, QualityThousandths = -1 };
            return true;
        }

        var parts = new Parts { Expires = -1, QualityThousandths = -1 };
        int position;
        if (span[start] == '"')
        {
            if (!SipGrammar.TryScanQuotedString(span, start, out int afterQuote))
            {
                return false;
            }

            parts.DisplayName = TextRange.FromBounds(start + 1, afterQuote - 1);
            parts.IsDisplayNameQuoted = true;
            position = SipGrammar.SkipLws(span, afterQuote);
            if (position >= end || span[position] != '<')
            {
                return false;
            }
        }
        else
        {
            // Either *(token LWS) "<" or an addr-spec; a run of tokens and LWS that reaches "<" is a display name.
            int i = start;
            while (i < end && (SipGrammar.IsToken(span[i]) || SipGrammar.IsLws(span[i])))
            {
                i++;
            }

            if (i >= end || span[i] != '<')
            {
                return TryParseAddrSpecForm(span, start, end, ref parts) && Finish(value, parts, out nameAddr);
            }

            int nameEnd = SipGrammar.SkipLwsBackward(span, start, i);
            if (nameEnd > start)
            {
                parts.DisplayName = TextRange.FromBounds(start, nameEnd);
            }

            position = i;
        }

        // position is at "<"; no LWS may follow it or precede ">" (RFC 4475 3.1.2.14).
        int close = span[position..end].IndexOf((byte)'>');
        if (close < 0)
        {
            return false;
        }

        close += position;
        parts.Uri = TextRange.FromBounds(position + 1, close);
        parts.HasAngleBrackets = true;
        return SipUriParser.TryParse(span, parts.Uri, out parts.ParsedUri)
            && TryReadParameters(span, close + 1, end, ref parts)
            && Finish(value, parts, out nameAddr);
    }

    private static bool TryParseAddrSpecForm(ReadOnlySpan<byte> span, int start, int end, ref Parts parts)
    {
        int uriEnd = start;
        while (uriEnd < end && span[uriEnd] != ';' && !SipGrammar.IsLws(span[uriEnd]))
        {
            if (span[uriEnd] is (byte)'?' or (byte)',' or (byte)'<' or (byte)'>' or (byte)'"')
            {
                return false;
            }

            uriEnd++;
        }

        parts.Uri = TextRange.FromBounds(start, uriEnd);
        return SipUriParser.TryParse(span, parts.Uri, out parts.ParsedUri) && TryReadParameters(span, uriEnd, end, ref parts);
    }

    private static bool TryReadParameters(ReadOnlySpan<byte> span, int start, int end, ref Parts parts)
    {
        int first = SipGrammar.SkipLws(span, start);
        if (first < end)
        {
            parts.Parameters = TextRange.FromBounds(first, end);
        }

        var reader = new SipParameterReader(span, start, end);
        while (reader.MoveNext())
        {
            ReadOnlySpan<byte> name = reader.Name.Of(span);
            if (name.Length == 3 && System.Text.Ascii.EqualsIgnoreCase(name, "tag"u8))
            {
                if (!reader.Value.IsPresent || reader.Value.IsEmpty || reader.IsQuoted)
                {
                    return false;
                }

                parts.Tag = reader.Value;
            }
            else if (name.Length == 7 && reader.Value.IsPresent && System.Text.Ascii.EqualsIgnoreCase(name, "expires"u8))
            {
                // Out-of-range expiry values are read as absent; the registrar applies its default.
                parts.Expires = SipGrammar.TryParseDecimal(reader.Value.Of(span), uint.MaxValue, out ulong parsed) ? (long)parsed : -1;
            }
            else if (name.Length == 1 && (name[0] | 0x20) == 'q' && reader.Value.IsPresent)
            {
                parts.QualityThousandths = ParseQuality(reader.Value.Of(span));
            }
        }

        return !reader.Failed;
    }

    private static bool Finish(TextRange value, in Parts parts, out SipNameAddr nameAddr)
    {
        nameAddr = new SipNameAddr
        {
            Value = value,
            DisplayName = parts.DisplayName,
            IsDisplayNameQuoted = parts.IsDisplayNameQuoted,
            Uri = parts.Uri,
            ParsedUri = parts.ParsedUri,
            HasAngleBrackets = parts.HasAngleBrackets,
            Parameters = parts.Parameters,
            Tag = parts.Tag,
            Expires = parts.Expires,
            QualityThousandths = parts.QualityThousandths,
        };
        return true;
    }

    // Filled in while parsing, then copied once into the immutable SipNameAddr.
    private struct Parts
    {
        public TextRange DisplayName;
        public bool IsDisplayNameQuoted;
        public TextRange Uri;
        public SipUri ParsedUri;
        public bool HasAngleBrackets;
        public TextRange Parameters;
        public TextRange Tag;
        public long Expires;
        public int QualityThousandths;
    }

    /// <summary>qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 when malformed.</summary>
    public static int ParseQuality(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || (text[0] != '0' && text[0] != '1'))
        {
            return -1;
        }

        int value = (text[0] - '0') * 1000;
        if (text.Length == 1)
        {
            return value;
        }

        if (text[1] != '.' || text.Length > 5)
        {
            return -1;
        }

        int scale = 100;
        for (int i = 2; i < text.Length; i++)
        {
            if (!SipGrammar.IsDigit(text[i]))
            {
                return -1;
            }

            value += (text[i] - '0') * scale;
            scale /= 10;
        }

        return value > 1000 ? -1 : value;
    }
}
