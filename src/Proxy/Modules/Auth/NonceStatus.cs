namespace NatEdge.Proxy.Modules.Auth;

/// <summary>What a nonce presented by a client turned out to be.</summary>
public enum NonceStatus
{
    /// <summary>Issued by this process (or a proxy sharing its secret) and not yet expired.</summary>
    Valid,

    /// <summary>Genuine but older than <c>nonce_expire</c>: challenge again with <c>stale=true</c>.</summary>
    Stale,

    /// <summary>Not one of ours: malformed, or its HMAC does not match (forged or altered).</summary>
    Invalid,
}
