using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatEdge.Shared.Security;

/// <summary>
/// Loads the PEM files of the relay link and checks a peer's certificate against the operator's CA
/// (mutual TLS, mediaproxy-protocol.md section 3.1). Trust comes only from the configured CA, never
/// from the machine's store, and the peer must carry the extended key usage of its role. Host names are
/// not checked: relays and dispatchers are identified by the CA that signed them, as MediaProxy does.
/// </summary>
public static class RelayLinkCertificates
{
    /// <summary>id-kp-serverAuth (RFC 5280 section 4.2.1.12).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth (RFC 5280 section 4.2.1.12).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public static string UsageOf(RelayLinkRole role) => role == RelayLinkRole.Dispatcher ? ServerAuthentication : ClientAuthentication;

    /// <summary>A certificate with its private key, both PEM.</summary>
    /// <exception cref="CryptographicException">A file does not hold a PEM certificate or key, or they do not match.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static X509Certificate2 LoadIdentity(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    /// <summary>The operator's CA certificate (PEM); its key is not needed to verify.</summary>
    public static X509Certificate2 LoadAuthority(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    /// <summary>
    /// True when <paramref name="peer"/> chains to <paramref name="authority"/> alone, is valid now, and may
    /// act as <paramref name="role"/>; otherwise <paramref name="reason"/> says why, for the log.
    /// </summary>
    public static bool Verify(X509Certificate? peer, X509Certificate2 authority, RelayLinkRole role, out string reason)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (peer is null)
        {
            reason = "no certificate presented";
            return false;
        }

        var certificate = peer as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(constraints => constraints.CertificateAuthority))
        {
            // A CA certificate carries no extended key usage, so the chain check alone would let it act as anything.
            reason = $"certificate '{certificate.Subject}' is a CA, not a {role.ToString().ToLowerInvariant()}";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private CA publishes no revocation lists; a relay is withdrawn by issuing a new CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(UsageOf(role)));
        if (chain.Build(certificate))
        {
            reason = string.Empty;
            return true;
        }

        var problems = chain.ChainStatus.Select(status => status.Status.ToString()).Distinct();
        reason = $"certificate '{certificate.Subject}' is not valid for a {role.ToString().ToLowerInvariant()} under the configured CA ({string.Join(", ", problems)})";
        return false;
    }
}
