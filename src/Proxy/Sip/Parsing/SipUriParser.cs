using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// SIP-URI / SIPS-URI (RFC 3261 section 25.1), tel (RFC 3966) and, for other schemes, the generic
/// absoluteURI shape: scheme ":" followed by octets that are neither white space nor angle brackets.
/// </summary>
public static class SipUriParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, TextRange range, out SipUri uri) =>
        TryParse(text, range.Offset, range.End, out uri);

    public static bool TryParse(ReadOnlySpan<byte> text, int start, int end, out SipUri uri)
    {
        uri = default;
        if (start < 0 || end > text.Length || start >= end)
        {
            return false;
        }

        ReadOnlySpan<byte> span = text[..end];
        if (!SipGrammar.IsAlpha(span[start]))
        {
            return false;
        }

        int colon = start + 1;
        while (colon < end && SipGrammar.IsSchemeChar(span[colon]))
        {
            colon++;
        }

        if (colon >= end || span[colon] != ':')
        {
            return false;
        }

        ReadOnlySpan<byte> schemeName = span[start..colon];
        UriScheme scheme = System.Text.Ascii.EqualsIgnoreCase(schemeName, "sip"u8) ? UriScheme.Sip
            : System.Text.Ascii.EqualsIgnoreCase(schemeName, "sips"u8) ? UriScheme.Sips
            : System.Text.Ascii.EqualsIgnoreCase(schemeName, "tel"u8) ? UriScheme.Tel
            : UriScheme.Other;

        var parts = new UriParts { Port = -1 };
        int rest = colon + 1;
        bool ok = scheme switch
        {
            UriScheme.Sip or UriScheme.Sips => TryParseSip(span, rest, end, ref parts),
            UriScheme.Tel => TryParseTel(span, rest, end, ref parts),
            _ => IsOpaque(span[rest..end]),
        };

        if (ok)
        {
            uri = new SipUri
            {
                Scheme = scheme,
                SchemeName = TextRange.FromBounds(start, colon),
                Whole = TextRange.FromBounds(start, end),
                User = parts.User,
                Password = parts.Password,
                Host = parts.Host,
                IsIpv6Reference = parts.IsIpv6Reference,
                Port = parts.Port,
                Parameters = parts.Parameters,
                Headers = parts.Headers,
            };
        }

        return ok;
    }

    // Filled in while parsing, then copied once into the immutable SipUri.
    private struct UriParts
    {
        public TextRange User;
        public TextRange Password;
        public TextRange Host;
        public bool IsIpv6Reference;
        public int Port;
        public TextRange Parameters;
        public TextRange Headers;
    }

    private static bool TryParseSip(ReadOnlySpan<byte> text, int start, int end, ref UriParts uri)
    {
        // '@' cannot appear unescaped in any later part of a SIP URI, so the first one ends userinfo.
        int at = text[start..end].IndexOf((byte)'@');
        int hostStart = start;
        if (at >= 0)
        {
            at += start;
            int passwordColon = text[start..at].IndexOf((byte)':');
            int userEnd = passwordColon < 0 ? at : start + passwordColon;
            if (userEnd == start || !SipGrammar.IsEscapedRun(text[start..userEnd], UriCharSet.User))
            {
                return false;
            }

            uri.User = TextRange.FromBounds(start, userEnd);
            if (passwordColon >= 0)
            {
                if (!SipGrammar.IsEscapedRun(text[(userEnd + 1)..at], UriCharSet.Password))
                {
                    return false;
                }

                uri.Password = TextRange.FromBounds(userEnd + 1, at);
            }

            hostStart = at + 1;
        }

        if (!TryParseHostPort(text, hostStart, end, out TextRange host, out bool ipv6, out int port, out int position))
        {
            return false;
        }

        uri.Host = host;
        uri.IsIpv6Reference = ipv6;
        uri.Port = port;

        if (position < end && text[position] == ';')
        {
            int paramsStart = position + 1;
            position = paramsStart;
            while (position < end && text[position] != '?')
            {
                position++;
            }

            if (!AreUriParameters(text[paramsStart..position]))
            {
                return false;
            }

            uri.Parameters = TextRange.FromBounds(paramsStart, position);
        }

        if (position < end && text[position] == '?')
        {
            int headersStart = position + 1;
            if (!AreUriHeaders(text[headersStart..end]))
            {
                return false;
            }

            uri.Headers = TextRange.FromBounds(headersStart, end);
            position = end;
        }

        return position == end;
    }

    /// <summary>
    /// hostport = host [ ":" port ]; host = hostname / IPv4address / IPv6reference. On success
    /// <paramref name="end"/> is the first octet after the port (or host).
    /// </summary>
    public static bool TryParseHostPort(ReadOnlySpan<byte> text, int start, int limit, out TextRange host, out bool ipv6, out int port, out int end)
    {
        host = TextRange.None;
        ipv6 = false;
        port = -1;
        end = start;
        int i = start;
        if (i < limit && text[i] == '[')
        {
            int close = text[i..limit].IndexOf((byte)']');
            if (close < 0)
            {
                return false;
            }

            close += i;
            ReadOnlySpan<byte> address = text[(i + 1)..close];
            if (address.IsEmpty || !IsIpv6Text(address))
            {
                return false;
            }

            ipv6 = true;
            i = close + 1;
        }
        else
        {
            while (i < limit && SipGrammar.IsHostnameChar(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        host = TextRange.FromBounds(start, i);
        if (i < limit && text[i] == ':')
        {
            int portStart = i + 1;
            int portEnd = portStart;
            while (portEnd < limit && SipGrammar.IsDigit(text[portEnd]))
            {
                portEnd++;
            }

            if (!SipGrammar.TryParseDecimal(text[portStart..portEnd], 65535, out ulong value))
            {
                return false;
            }

            port = (int)value;
            i = portEnd;
        }

        end = i;
        return true;
    }

    private static bool IsIpv6Text(ReadOnlySpan<byte> address)
    {
        bool sawColon = false;
        foreach (byte b in address)
        {
            if (b == ':')
            {
                sawColon = true;
            }
            else if (!SipGrammar.IsHexDigit(b) && b != '.')
            {
                return false;
            }
        }

        return sawColon;
    }

    private static bool AreUriParameters(ReadOnlySpan<byte> parameters)
    {
        // uri-parameter *( ";" uri-parameter ), each pname [ "=" pvalue ], both 1*paramchar.
        foreach (Range part in new SplitRanges(parameters, (byte)';'))
        {
            ReadOnlySpan<byte> p = parameters[part];
            int equals = p.IndexOf((byte)'=');
            ReadOnlySpan<byte> name = equals < 0 ? p : p[..equals];
            if (name.IsEmpty || !SipGrammar.IsEscapedRun(name, UriCharSet.Parameter))
            {
                return false;
            }

            if (equals >= 0)
            {
                ReadOnlySpan<byte> value = p[(equals + 1)..];
                if (value.IsEmpty || !SipGrammar.IsEscapedRun(value, UriCharSet.Parameter))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool AreUriHeaders(ReadOnlySpan<byte> headers)
    {
        // header *( "&" header ), header = hname "=" hvalue.
        foreach (Range part in new SplitRanges(headers, (byte)'&'))
        {
            ReadOnlySpan<byte> h = headers[part];
            int equals = h.IndexOf((byte)'=');
            if (equals <= 0
                || !SipGrammar.IsEscapedRun(h[..equals], UriCharSet.Header)
                || !SipGrammar.IsEscapedRun(h[(equals + 1)..], UriCharSet.Header))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseTel(ReadOnlySpan<byte> text, int start, int end, ref UriParts uri)
    {
        int semicolon = text[start..end].IndexOf((byte)';');
        int numberEnd = semicolon < 0 ? end : start + semicolon;
        if (numberEnd == start || !IsOpaque(text[start..end]))
        {
            return false;
        }

        uri.User = TextRange.FromBounds(start, numberEnd);
        if (semicolon >= 0)
        {
            uri.Parameters = TextRange.FromBounds(numberEnd + 1, end);
        }

        return true;
    }

    private static bool IsOpaque(ReadOnlySpan<byte> rest)
    {
        foreach (byte b in rest)
        {
            if (b <= ' ' || b == '<' || b == '>' || b == '"' || b >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Allocation-free split of a span at one separator.</summary>
    private ref struct SplitRanges(ReadOnlySpan<byte> text, byte separator)
    {
        private readonly ReadOnlySpan<byte> _text = text;
        private int _start;
        private bool _done;

        public Range Current { get; private set; }

        public readonly SplitRanges GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done)
            {
                return false;
            }

            int next = _text[_start..].IndexOf(separator);
            if (next < 0)
            {
                Current = _start.._text.Length;
                _done = true;
            }
            else
            {
                Current = _start..(_start + next);
                _start += next + 1;
            }

            return true;
        }
    }
}
