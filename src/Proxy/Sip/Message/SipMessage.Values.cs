using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Sip.Message;

// Header values parsed on first request and cached (Kamailio's parse-on-demand). Each cache has a
// state: not yet parsed, parsed, or found malformed, so a bad value is only examined once.
public sealed partial class SipMessage
{
    private enum CacheState : byte
    {
        NotParsed = 0,
        Valid,
        Invalid,
    }

    private CacheState _topViaState;
    private SipVia _topVia;
    private CacheState _fromState;
    private SipNameAddr _from;
    private CacheState _toState;
    private SipNameAddr _to;
    private CacheState _cseqState;
    private SipCSeq _cseq;
    private CacheState _requestUriState;
    private SipUri _requestUriParsed;

    /// <summary>The first value of the first Via line.</summary>
    public bool TryGetTopVia(out SipVia via)
    {
        if (_topViaState == CacheState.NotParsed)
        {
            _topViaState = CacheState.Invalid;
            int index = IndexOf(HeaderId.Via);
            if (index >= 0)
            {
                var values = new CommaSeparatedValues(Span, GetHeader(index).Value);
                if (values.MoveNext() && ViaParser.TryParse(Span, values.Current, out _topVia))
                {
                    _topViaState = CacheState.Valid;
                }
            }
        }

        via = _topVia;
        return _topViaState == CacheState.Valid;
    }

    public bool TryGetFrom(out SipNameAddr from) => TryGetNameAddr(HeaderId.From, ref _fromState, ref _from, out from);

    public bool TryGetTo(out SipNameAddr to) => TryGetNameAddr(HeaderId.To, ref _toState, ref _to, out to);

    public bool TryGetCSeq(out SipCSeq cseq)
    {
        if (_cseqState == CacheState.NotParsed)
        {
            _cseqState = CSeqParser.TryParse(Span, GetFirstValue(HeaderId.CSeq), out _cseq) ? CacheState.Valid : CacheState.Invalid;
        }

        cseq = _cseq;
        return _cseqState == CacheState.Valid;
    }

    /// <summary>The Call-ID value, or <see cref="TextRange.None"/>.</summary>
    public TextRange CallId => GetFirstValue(HeaderId.CallId);

    public bool TryGetRequestUri(out SipUri uri)
    {
        if (_requestUriState == CacheState.NotParsed)
        {
            _requestUriState = IsRequest && SipUriParser.TryParse(Span, RequestUri, out _requestUriParsed) ? CacheState.Valid : CacheState.Invalid;
        }

        uri = _requestUriParsed;
        return _requestUriState == CacheState.Valid;
    }

    /// <summary>Max-Forwards (0-255, leading zeros allowed); false when absent or out of range.</summary>
    public bool TryGetMaxForwards(out int maxForwards) => TryGetNumber(HeaderId.MaxForwards, 255, out maxForwards);

    /// <summary>The Expires header (delta-seconds up to 2**32-1); false when absent or malformed.</summary>
    public bool TryGetExpires(out uint expires)
    {
        bool ok = SipGrammar.TryParseDecimal(this[GetFirstValue(HeaderId.Expires)], uint.MaxValue, out ulong value);
        expires = (uint)value;
        return ok;
    }

    /// <summary>Every Contact value, '*' included (see <see cref="SipNameAddr.IsWildcard"/>).</summary>
    public NameAddrEnumerator GetContacts() => new(this, HeaderId.Contact, isContact: true);

    /// <summary>Every value of a name-addr list header: Route, Record-Route, Path.</summary>
    public NameAddrEnumerator GetNameAddrs(HeaderId id) => new(this, id, isContact: false);

    /// <summary>Credentials of the header line at <paramref name="headerIndex"/> (an Authorization or Proxy-Authorization line).</summary>
    public bool TryGetCredentials(int headerIndex, out DigestCredentials credentials)
    {
        credentials = default;
        return headerIndex >= 0 && headerIndex < HeaderCount && DigestParser.TryParse(Span, GetHeader(headerIndex).Value, out credentials);
    }

    /// <summary>
    /// The first Authorization or Proxy-Authorization line (<paramref name="id"/>) holding Digest
    /// credentials for <paramref name="realm"/> (RFC 3261 22.4: a request may carry credentials for
    /// several realms). Lines that do not parse are skipped.
    /// </summary>
    public bool TryFindCredentials(HeaderId id, ReadOnlySpan<byte> realm, out DigestCredentials credentials, out int headerIndex)
    {
        for (int i = IndexOf(id); i >= 0; i = IndexOf(id, i))
        {
            if (TryGetCredentials(i, out credentials) && credentials.IsDigest
                && System.Text.Ascii.EqualsIgnoreCase(this[credentials.Realm], realm))
            {
                headerIndex = i;
                return true;
            }
        }

        credentials = default;
        headerIndex = -1;
        return false;
    }

    private bool TryGetNameAddr(HeaderId id, ref CacheState state, ref SipNameAddr cache, out SipNameAddr value)
    {
        if (state == CacheState.NotParsed)
        {
            state = NameAddrParser.TryParse(Span, GetFirstValue(id), out cache) ? CacheState.Valid : CacheState.Invalid;
        }

        value = cache;
        return state == CacheState.Valid;
    }

    private bool TryGetNumber(HeaderId id, ulong max, out int number)
    {
        bool ok = SipGrammar.TryParseDecimal(this[GetFirstValue(id)], max, out ulong value);
        number = ok ? (int)value : -1;
        return ok;
    }
}

/// <summary>Parses each value of a name-addr list header in turn; <see cref="Malformed"/> tells why iteration stopped early.</summary>
public ref struct NameAddrEnumerator
{
    private readonly SipMessage _message;
    private readonly bool _isContact;
    private HeaderValueEnumerator _values;

    internal NameAddrEnumerator(SipMessage message, HeaderId id, bool isContact)
    {
        _message = message;
        _isContact = isContact;
        _values = message.GetValues(id);
    }

    public SipNameAddr Current { get; private set; }

    /// <summary>The header line the current value is on.</summary>
    public readonly int HeaderIndex => _values.HeaderIndex;

    public bool Malformed { get; private set; }

    public readonly NameAddrEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (Malformed || !_values.MoveNext())
        {
            return false;
        }

        bool ok = _isContact
            ? NameAddrParser.TryParseContact(_message.Span, _values.Current, out SipNameAddr value)
            : NameAddrParser.TryParse(_message.Span, _values.Current, out value);
        if (!ok || _values.Unbalanced)
        {
            Malformed = true;
            return false;
        }

        Current = value;
        return true;
    }
}
