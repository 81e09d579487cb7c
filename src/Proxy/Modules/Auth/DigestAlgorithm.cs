namespace NatEdge.Proxy.Modules.Auth;

/// <summary>Digest hash algorithms (RFC 7616 §3.3, SIP use in RFC 8760).</summary>
public enum DigestAlgorithm
{
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

public static class DigestAlgorithms
{
    /// <summary>Maps the <c>algorithm</c> parameter; absent means MD5 (RFC 2617 §3.2.1).</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (value.IsEmpty || value.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("MD5-sess", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Md5Sess;
            return true;
        }

        if (value.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        if (value.Equals("SHA-256-sess", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256Sess;
            return true;
        }

        return false;
    }

    public static string Token(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Md5Sess => "MD5-sess",
        DigestAlgorithm.Sha256 => "SHA-256",
        DigestAlgorithm.Sha256Sess => "SHA-256-sess",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static bool IsSession(this DigestAlgorithm algorithm) =>
        algorithm is DigestAlgorithm.Md5Sess or DigestAlgorithm.Sha256Sess;

    /// <summary>Length of a hash in lowercase hex: 32 for MD5, 64 for SHA-256.</summary>
    public static int HexLength(this DigestAlgorithm algorithm) =>
        algorithm is DigestAlgorithm.Md5 or DigestAlgorithm.Md5Sess ? 32 : 64;
}
