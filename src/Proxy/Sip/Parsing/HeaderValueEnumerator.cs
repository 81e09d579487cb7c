using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// Splits a header value at the commas that separate list elements (RFC 3261 section 7.3.1),
/// ignoring commas inside quoted strings and inside &lt;...&gt;. Each element is trimmed of LWS;
/// an empty element (",,") is reported as an empty range so a strict caller can reject it.
/// </summary>
public ref struct CommaSeparatedValues
{
    private static readonly System.Buffers.SearchValues<byte> Delimiters = System.Buffers.SearchValues.Create(",\"<"u8);

    private readonly ReadOnlySpan<byte> _text;
    private readonly int _end;
    private int _position;
    private bool _done;

    public CommaSeparatedValues(ReadOnlySpan<byte> text, TextRange value)
    {
        _text = text;
        _position = value.Offset;
        _end = value.End;
        _done = !value.IsPresent;
        Current = TextRange.None;
    }

    public TextRange Current { get; private set; }

    /// <summary>True when a quoted string or &lt; was left open: the list itself is malformed.</summary>
    public bool Unbalanced { get; private set; }

    public readonly CommaSeparatedValues GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        int start = _position;
        int i = start;
        ReadOnlySpan<byte> text = _text[.._end];
        while (i < _end)
        {
            // Jump to the next octet that matters: a separator, or the start of a quoted string or <...>.
            int next = text[i..].IndexOfAny(Delimiters);
            if (next < 0)
            {
                i = _end;
                break;
            }

            i += next;
            byte b = text[i];
            if (b == ',')
            {
                break;
            }

            int close;
            if (b == '"')
            {
                if (!SipGrammar.TryScanQuotedString(text, i, out close))
                {
                    Unbalanced = true;
                    i = _end;
                    break;
                }

                i = close;
                continue;
            }

            close = text[i..].IndexOf((byte)'>');
            if (close < 0)
            {
                Unbalanced = true;
                i = _end;
                break;
            }

            i += close + 1;
        }

        int valueStart = SipGrammar.SkipLws(_text[..i], start);
        int valueEnd = SipGrammar.SkipLwsBackward(_text, valueStart, i);
        Current = TextRange.FromBounds(valueStart, valueEnd);
        if (i >= _end)
        {
            _done = true;
        }
        else
        {
            _position = i + 1;
        }

        return true;
    }
}

/// <summary>Every comma-separated value of every header line with one id, in message order.</summary>
public ref struct HeaderValueEnumerator
{
    private readonly SipMessage _message;
    private readonly HeaderId _id;
    private int _headerIndex;
    private CommaSeparatedValues _values;
    private bool _started;

    internal HeaderValueEnumerator(SipMessage message, HeaderId id)
    {
        _message = message;
        _id = id;
        _headerIndex = -1;
        _values = default;
        _started = false;
        HeaderIndex = -1;
    }

    public TextRange Current { get; private set; }

    /// <summary>The header line the current value belongs to.</summary>
    public int HeaderIndex { get; private set; }

    public bool Unbalanced { get; private set; }

    public readonly HeaderValueEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_started && _values.MoveNext())
            {
                Current = _values.Current;
                Unbalanced |= _values.Unbalanced;
                return true;
            }

            _headerIndex = _headerIndex < 0 ? _message.IndexOf(_id) : _message.IndexOf(_id, _headerIndex);
            if (_headerIndex < 0)
            {
                return false;
            }

            HeaderIndex = _headerIndex;
            _values = new CommaSeparatedValues(_message.Span, _message.GetHeader(_headerIndex).Value);
            _started = true;
        }
    }
}
