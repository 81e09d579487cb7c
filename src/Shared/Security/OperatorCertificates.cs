using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatEdge.Shared.Security;

/// <summary>
/// A small operator CA for the relay link (issue 8, mediaproxy-protocol.md section 3.1): a self-signed
/// CA, and end certificates for the proxy's dispatcher (serverAuth) and for relays (clientAuth), all
/// ECDSA P-256. Meant for a test or small deployment; a larger one brings its own PKI.
/// </summary>
public static class OperatorCertificates
{
    public const string AuthorityCertificateFile = "ca.crt";
    public const string AuthorityKeyFile = "ca.key";

    /// <summary>Backdating absorbs clock skew between the hosts of a deployment.</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    /// <summary>A self-signed CA that may sign end certificates only (path length 0).</summary>
    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - Backdate, now + validity);
    }

    /// <summary>
    /// An end certificate for <paramref name="role"/> signed by <paramref name="authority"/> (which must hold
    /// its private key). <paramref name="names"/> go into the subject alternative name as IP addresses or
    /// DNS names; <paramref name="name"/> is the common name and, when none is given, the only DNS name.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name, RelayLinkRole role, IReadOnlyList<string> names, DateTimeOffset now, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(names);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(RelayLinkCertificates.UsageOf(role))], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        request.CertificateExtensions.Add(AlternativeNames(names.Count == 0 ? [name] : names));

        // An end certificate may not outlive the CA that vouches for it.
        var notAfter = now + validity < authority.NotAfter ? now + validity : new DateTimeOffset(authority.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;   // a positive serial number (RFC 5280 section 4.1.2.2)
        using var signed = request.Create(authority, now - Backdate, notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its private key as PEM; the key file is readable by its owner only.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        // The create mode applies only to a new file, so an old key file with looser rights goes first.
        File.Delete(keyPath);
        var keyFileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) keyFileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var keyFile = new FileStream(keyPath, keyFileOptions))
        using (var writer = new StreamWriter(keyFile))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }
    }

    private static X509Extension AlternativeNames(IEnumerable<string> names)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address)) builder.AddIpAddress(address);
            else builder.AddDnsName(name);
        }

        return builder.Build();
    }
}
