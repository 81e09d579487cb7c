using NatEdge.Shared.Buffers;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// A received SIP message: its bytes, as they came, plus an index built in one pass over them
/// (start line, one entry per header line, body). Header values are parsed only when asked for and
/// the results are cached here. Edits made for forwarding are recorded in <see cref="Edits"/> and
/// applied when the message is written, so everything untouched goes out byte for byte.
/// A message is owned by the one thread handling it; it is not thread-safe.
/// </summary>
public sealed partial class SipMessage
{
    private InlineHeaderEntries _inlineHeaders;
    private HeaderEntry[]? _moreHeaders;
    private FirstHeaderIndexes _firstIndexes;
    private SpliceList? _edits;

    internal SipMessage(ReadOnlyMemory<byte> data)
    {
        Data = data;
    }

    /// <summary>The message's bytes: start line, headers and body, without trailing datagram octets.</summary>
    public ReadOnlyMemory<byte> Data { get; internal set; }

    public ReadOnlySpan<byte> Span => Data.Span;

    /// <summary>The bytes of a range of this message.</summary>
    public ReadOnlySpan<byte> this[TextRange range] => range.Of(Data.Span);

    public bool IsRequest { get; internal set; }

    public bool IsResponse => !IsRequest;

    public SipMethod Method { get; internal set; }

    /// <summary>The method token of a request (kept for extension methods).</summary>
    public TextRange MethodName { get; internal set; }

    public TextRange RequestUri { get; internal set; }

    public TextRange Version { get; internal set; }

    public int StatusCode { get; internal set; }

    public TextRange ReasonPhrase { get; internal set; }

    /// <summary>The start line without its CRLF.</summary>
    public TextRange StartLine { get; internal set; }

    /// <summary>Offset of the empty line that ends the header section (where appended headers go).</summary>
    public int HeaderSectionEnd { get; internal set; }

    public TextRange Body { get; internal set; }

    /// <summary>The Content-Length value, or -1 when the header is absent.</summary>
    public int ContentLength { get; internal set; } = -1;

    /// <summary>The structural problem the parser found, if any (the message is then still indexed as far as possible).</summary>
    public SipParseError ParseError { get; internal set; }

    public int HeaderCount { get; private set; }

    public bool HasEdits => _edits is { Count: > 0 };

    /// <summary>Edits to apply when the message is written (created on first use).</summary>
    public SpliceList Edits => _edits ??= new SpliceList();

    /// <summary>
    /// Records this message's edits in <paramref name="edits"/> (cleared first) instead of a list
    /// of its own, so a receive loop can reuse one list for every message it forwards.
    /// </summary>
    public void UseEdits(SpliceList edits)
    {
        ArgumentNullException.ThrowIfNull(edits);
        edits.Clear();
        _edits = edits;
    }

    public ref readonly HeaderEntry GetHeader(int index)
    {
        if ((uint)index >= (uint)HeaderCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return ref index < InlineHeaderEntries.Capacity ? ref _inlineHeaders[index] : ref _moreHeaders![index];
    }

    /// <summary>Index of the first header line with this id, or -1.</summary>
    public int IndexOf(HeaderId id) => id == HeaderId.Unknown ? -1 : _firstIndexes[(int)id] - 1;

    /// <summary>Index of the next header line with this id after <paramref name="after"/>, or -1.</summary>
    public int IndexOf(HeaderId id, int after)
    {
        for (int i = after + 1; i < HeaderCount; i++)
        {
            if (GetHeader(i).Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Index of the first header line whose name matches (any case), for headers without an id.</summary>
    public int IndexOf(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || SipGrammar.ScanToken(name, 0) != name.Length)
        {
            // Header names are tokens; the parser indexes no other kind.
            return -1;
        }

        HeaderId id = KnownHeaders.Lookup(name);
        if (id != HeaderId.Unknown)
        {
            return IndexOf(id);
        }

        for (int i = 0; i < HeaderCount; i++)
        {
            ref readonly HeaderEntry entry = ref GetHeader(i);
            if (entry.Id == HeaderId.Unknown && System.Text.Ascii.EqualsIgnoreCase(this[entry.Name], name))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Contains(HeaderId id) => IndexOf(id) >= 0;

    /// <summary>Number of header lines with this id (not of comma-separated values).</summary>
    public int CountLines(HeaderId id)
    {
        int count = 0;
        for (int i = IndexOf(id); i >= 0; i = IndexOf(id, i))
        {
            count++;
        }

        return count;
    }

    /// <summary>The value of the first line with this id, or <see cref="TextRange.None"/>.</summary>
    public TextRange GetFirstValue(HeaderId id)
    {
        int index = IndexOf(id);
        return index < 0 ? TextRange.None : GetHeader(index).Value;
    }

    /// <summary>Every comma-separated value of every line with this id, in order (for list headers).</summary>
    public HeaderValueEnumerator GetValues(HeaderId id) => new(this, id);

    internal bool AddHeader(in HeaderEntry entry, int maxHeaders)
    {
        if (HeaderCount >= maxHeaders)
        {
            return false;
        }

        int index = HeaderCount;
        if (index < InlineHeaderEntries.Capacity)
        {
            _inlineHeaders[index] = entry;
        }
        else
        {
            if (_moreHeaders is null || index >= _moreHeaders.Length)
            {
                var grown = new HeaderEntry[Math.Max(InlineHeaderEntries.Capacity * 2, index * 2)];
                if (_moreHeaders is null)
                {
                    ((ReadOnlySpan<HeaderEntry>)_inlineHeaders).CopyTo(grown);
                }
                else
                {
                    _moreHeaders.CopyTo(grown, 0);
                }

                _moreHeaders = grown;
            }

            _moreHeaders[index] = entry;
        }

        if (entry.Id != HeaderId.Unknown && _firstIndexes[(int)entry.Id] == 0)
        {
            _firstIndexes[(int)entry.Id] = (short)(index + 1);
        }

        HeaderCount = index + 1;
        return true;
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(this[StartLine]);
}
