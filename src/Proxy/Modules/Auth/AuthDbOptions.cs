namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The auth/auth_db modparams that shape verification, with SER/Kamailio defaults.
/// </summary>
public sealed record AuthDbOptions
{
    /// <summary><c>calculate_ha1</c>: 1 means <see cref="PasswordColumn"/> holds the plaintext password.</summary>
    public bool CalculateHa1 { get; init; }

    /// <summary><c>password_column</c>: "ha1" by default; the guide sets "password" with calculate_ha1.</summary>
    public string PasswordColumn { get; init; } = "ha1";

    /// <summary><c>password_column_2</c>: the HA1 used when the digest username carries "@domain".</summary>
    public string PasswordColumn2 { get; init; } = "ha1b";

    /// <summary>Reject a nonce the second time it authorizes a request (one-time nonces).</summary>
    public bool SingleUseNonces { get; init; }

    public static IReadOnlyList<string> KnownColumns { get; } = ["password", "ha1", "ha1b"];
}
