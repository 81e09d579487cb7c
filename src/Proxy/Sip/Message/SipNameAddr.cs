namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// A From, To, Contact, Route or Record-Route value (RFC 3261 section 20): optional display name,
/// the URI and the header parameters that follow it. In the addr-spec form (no angle brackets)
/// everything after the URI's first ";" is a header parameter (section 20.10).
/// </summary>
public readonly record struct SipNameAddr
{
    public TextRange Value { get; init; }

    /// <summary>The display name: the inside of the quotes, or the token run as written.</summary>
    public TextRange DisplayName { get; init; }

    public bool IsDisplayNameQuoted { get; init; }

    public TextRange Uri { get; init; }

    public SipUri ParsedUri { get; init; }

    public bool HasAngleBrackets { get; init; }

    /// <summary>The header parameters, starting at their first ";" (absent when there are none).</summary>
    public TextRange Parameters { get; init; }

    public TextRange Tag { get; init; }

    /// <summary>Contact: * (RFC 3261 section 10.2.2).</summary>
    public bool IsWildcard { get; init; }

    /// <summary>Contact expires parameter, or -1.</summary>
    public long Expires { get; init; }

    /// <summary>Contact q parameter in thousandths (q=0.33 is 330), or -1.</summary>
    public int QualityThousandths { get; init; }
}
