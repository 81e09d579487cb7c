namespace NatEdge.Proxy.Sip.Message;

/// <summary>Header fields the proxy looks at by identity. Anything else is <see cref="Unknown"/>
/// and is only carried through, byte for byte.</summary>
public enum HeaderId : byte
{
    Unknown = 0,
    Via,
    From,
    To,
    CallId,
    CSeq,
    MaxForwards,
    ContentLength,
    ContentType,
    ContentEncoding,
    Contact,
    Route,
    RecordRoute,
    Path,
    Authorization,
    ProxyAuthorization,
    WwwAuthenticate,
    ProxyAuthenticate,
    AuthenticationInfo,
    Expires,
    MinExpires,
    Require,
    ProxyRequire,
    Supported,
    Unsupported,
    Allow,
    AllowEvents,
    Accept,
    Subject,
    Date,
    Event,
    ReferTo,
    ReferredBy,
    SessionExpires,
    UserAgent,
    Server,
    Timestamp,
    Warning,
    RetryAfter,
}

public static class HeaderIds
{
    /// <summary>One past the largest <see cref="HeaderId"/> value: the size of per-id tables.</summary>
    public const int Count = (int)HeaderId.RetryAfter + 1;
}
