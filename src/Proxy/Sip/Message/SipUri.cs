namespace NatEdge.Proxy.Sip.Message;

public enum UriScheme : byte
{
    /// <summary>Any other absoluteURI scheme; only <see cref="SipUri.Whole"/> and the scheme are known.</summary>
    Other = 0,
    Sip,
    Sips,
    Tel,
}

/// <summary>
/// A URI as ranges into the message (RFC 3261 section 19.1, RFC 3966 for tel). Escapes are left as
/// written; <see cref="Parameters"/> and <see cref="Headers"/> exclude their leading ";" and "?".
/// For tel URIs the number is in <see cref="User"/>.
/// </summary>
public readonly record struct SipUri
{
    public UriScheme Scheme { get; init; }

    public TextRange SchemeName { get; init; }

    public TextRange Whole { get; init; }

    public TextRange User { get; init; }

    public TextRange Password { get; init; }

    /// <summary>The host; for an IPv6 reference it includes the brackets.</summary>
    public TextRange Host { get; init; }

    public bool IsIpv6Reference { get; init; }

    /// <summary>The port, or -1 when none is written.</summary>
    public int Port { get; init; }

    public TextRange Parameters { get; init; }

    public TextRange Headers { get; init; }

    public bool IsSipOrSips => Scheme is UriScheme.Sip or UriScheme.Sips;
}
