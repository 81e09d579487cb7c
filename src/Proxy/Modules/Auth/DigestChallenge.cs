using System.Text;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The value of a WWW-Authenticate / Proxy-Authenticate header (RFC 2617 §3.2.1, RFC 8760 §2.4:
/// one header per algorithm offered, SHA-256 first).
/// </summary>
public static class DigestChallenge
{
    public static string Format(string realm, string nonce, DigestAlgorithm algorithm, bool qopAuth, bool stale, string? opaque = null)
    {
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(nonce);
        var value = new StringBuilder(128);
        value.Append("Digest realm=\"").Append(realm).Append("\", nonce=\"").Append(nonce).Append('"');
        if (qopAuth)
        {
            value.Append(", qop=\"auth\"");
        }

        if (opaque is not null)
        {
            value.Append(", opaque=\"").Append(opaque).Append('"');
        }

        if (stale)
        {
            value.Append(", stale=true");
        }

        value.Append(", algorithm=").Append(algorithm.Token());
        return value.ToString();
    }
}
