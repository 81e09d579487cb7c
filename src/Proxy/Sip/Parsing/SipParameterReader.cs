using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// Reads header parameters: *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ]
/// and gen-value = token / host / quoted-string (RFC 3261 section 25.1). LWS may surround ";" and "=".
/// A quoted value's range excludes the quotes. Stops with <see cref="Failed"/> at anything else.
/// </summary>
public ref struct SipParameterReader
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly int _end;
    private int _position;

    public SipParameterReader(ReadOnlySpan<byte> text, int start, int end)
    {
        _text = text;
        _position = start;
        _end = end;
    }

    public TextRange Name { get; private set; }

    /// <summary>The value, or <see cref="TextRange.None"/> for a parameter written without "=".</summary>
    public TextRange Value { get; private set; }

    public bool IsQuoted { get; private set; }

    public bool Failed { get; private set; }

    public bool MoveNext()
    {
        ReadOnlySpan<byte> text = _text[.._end];
        int i = SipGrammar.SkipLws(text, _position);
        if (i >= _end)
        {
            return false;
        }

        if (text[i] != ';')
        {
            return Fail();
        }

        i = SipGrammar.SkipLws(text, i + 1);
        int nameEnd = SipGrammar.ScanToken(text, i);
        if (nameEnd == i)
        {
            return Fail();
        }

        Name = TextRange.FromBounds(i, nameEnd);
        Value = TextRange.None;
        IsQuoted = false;
        i = SipGrammar.SkipLws(text, nameEnd);
        if (i < _end && text[i] == '=')
        {
            i = SipGrammar.SkipLws(text, i + 1);
            if (i < _end && text[i] == '"')
            {
                if (!SipGrammar.TryScanQuotedString(text, i, out int afterQuote))
                {
                    return Fail();
                }

                Value = TextRange.FromBounds(i + 1, afterQuote - 1);
                IsQuoted = true;
                i = afterQuote;
            }
            else
            {
                int valueEnd = i;
                while (valueEnd < _end && IsValueChar(text[valueEnd]))
                {
                    valueEnd++;
                }

                if (valueEnd == i)
                {
                    return Fail();
                }

                Value = TextRange.FromBounds(i, valueEnd);
                i = valueEnd;
            }
        }
        else if (i < _end && text[i] != ';')
        {
            return Fail();
        }

        _position = i;
        return true;
    }

    /// <summary>Finds one parameter by name (case-insensitive). False when absent or the list is malformed.</summary>
    public static bool TryFind(ReadOnlySpan<byte> text, int start, int end, ReadOnlySpan<byte> name, out TextRange value)
    {
        var reader = new SipParameterReader(text, start, end);
        while (reader.MoveNext())
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(reader.Name.Offset, reader.Name.Length), name))
            {
                value = reader.Value.IsPresent ? reader.Value : new TextRange(reader.Name.End, 0);
                return true;
            }
        }

        value = TextRange.None;
        return false;
    }

    // token / host (IPv4, IPv6 reference or name) / port-like values.
    private static bool IsValueChar(byte b) => SipGrammar.IsToken(b) || b == ':' || b == '[' || b == ']';

    private bool Fail()
    {
        Failed = true;
        _position = _end;
        return false;
    }
}
