namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The parameters of an Authorization or Proxy-Authorization header (RFC 2617 §3.2.2), already
/// parsed and unquoted by the SIP layer. Absent optional parameters are null.
/// </summary>
public sealed record DigestCredentials
{
    public required string Username { get; init; }
    public required string Realm { get; init; }
    public required string Nonce { get; init; }
    public required string Uri { get; init; }
    public required string Response { get; init; }
    public string? Algorithm { get; init; }
    public string? Qop { get; init; }

    /// <summary>The <c>nc</c> parameter, 8 hex digits.</summary>
    public string? NonceCount { get; init; }
    public string? CNonce { get; init; }
    public string? Opaque { get; init; }
}
