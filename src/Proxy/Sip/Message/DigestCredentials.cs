namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// Authorization / Proxy-Authorization credentials (RFC 3261 section 25.1, RFC 2617, RFC 8760).
/// Quoted values are given without their quotes and with escapes left as written. For a scheme
/// other than Digest only <see cref="Scheme"/> is filled in: such credentials are carried, not read.
/// </summary>
public readonly record struct DigestCredentials
{
    public TextRange Scheme { get; init; }

    public bool IsDigest { get; init; }

    public TextRange Username { get; init; }

    public TextRange Realm { get; init; }

    public TextRange Nonce { get; init; }

    public TextRange Uri { get; init; }

    public TextRange Response { get; init; }

    public TextRange Algorithm { get; init; }

    public TextRange Cnonce { get; init; }

    public TextRange Opaque { get; init; }

    public TextRange Qop { get; init; }

    public TextRange NonceCount { get; init; }
}
