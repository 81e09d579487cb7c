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

        var result = new SipNameAddr { Value = value, Expires = -1, QualityThousandths = -1 };
        int position;
        if (span[start] == '"')
        {
            if (!SipGrammar.TryScanQuotedString(span, start, out int afterQuote))
            {
                return false;
            }

            result = result with { DisplayName = TextRange.FromBounds(start + 1, afterQuote - 1), IsDisplayNameQuoted = true };
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

            if (i < end && span[i] == '<')
            {
                int nameEnd = SipGrammar.SkipLwsBackward(span, start, i);
                if (nameEnd > start)
                {
                    result = result with { DisplayName = TextRange.FromBounds(start, nameEnd) };
                }

                position = i;
            }
            else
            {
                return TryParseAddrSpecForm(span, start, end, result, out nameAddr);
            }
        }

        // position is at "<".
        int close = span[position..end].IndexOf((byte)'>');
        if (close < 0)
        {
            return false;
        }

        close += position;
        TextRange uriRange = TextRange.FromBounds(position + 1, close);
        if (!SipUriParser.TryParse(span, uriRange, out SipUri uri))
        {
            return false;
        }

        result = result with { Uri = uriRange, ParsedUri = uri, HasAngleBrackets = true };
        return TryReadParameters(span, close + 1, end, result, out nameAddr);
    }

    private static bool TryParseAddrSpecForm(ReadOnlySpan<byte> span, int start, int end, SipNameAddr result, out SipNameAddr nameAddr)
    {
        nameAddr = default;
        int uriEnd = start;
        while (uriEnd < end && span[uriEnd] != ';' && !SipGrammar.IsLws(span[uriEnd]))
        {
            if (span[uriEnd] is (byte)'?' or (byte)',' or (byte)'<' or (byte)'>' or (byte)'"')
            {
                return false;
            }

            uriEnd++;
        }

        TextRange uriRange = TextRange.FromBounds(start, uriEnd);
        if (!SipUriParser.TryParse(span, uriRange, out SipUri uri))
        {
            return false;
        }

        result = result with { Uri = uriRange, ParsedUri = uri };
        return TryReadParameters(span, uriEnd, end, result, out nameAddr);
    }

    private static bool TryReadParameters(ReadOnlySpan<byte> span, int start, int end, SipNameAddr result, out SipNameAddr nameAddr)
    {
        nameAddr = default;
        int first = SipGrammar.SkipLws(span, start);
        if (first < end)
        {
            result = result with { Parameters = TextRange.FromBounds(first, end) };
        }

        var reader = new SipParameterReader(span, start, end);
        while (reader.MoveNext())
        {
            ReadOnlySpan<byte> name = reader.Name.Of(span);
            if (System.Text.Ascii.EqualsIgnoreCase(name, "tag"u8))
            {
                if (!reader.Value.IsPresent || reader.Value.IsEmpty || reader.IsQuoted)
                {
                    return false;
                }

                result = result with { Tag = reader.Value };
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "expires"u8) && reader.Value.IsPresent)
            {
                // Out-of-range expiry values are read as absent; the registrar applies its default.
                long expires = SipGrammar.TryParseDecimal(reader.Value.Of(span), uint.MaxValue, out ulong parsed) ? (long)parsed : -1;
                result = result with { Expires = expires };
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "q"u8) && reader.Value.IsPresent)
            {
                result = result with { QualityThousandths = ParseQuality(reader.Value.Of(span)) };
            }
        }

        if (reader.Failed)
        {
            return false;
        }

        nameAddr = result;
        return true;
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
