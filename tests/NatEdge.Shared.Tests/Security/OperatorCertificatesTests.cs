using System.Security.Cryptography.X509Certificates;
using NatEdge.Shared.Security;

namespace NatEdge.Shared.Tests.Security;

public sealed class OperatorCertificatesTests : IDisposable
{
    private static readonly TimeSpan TenYears = TimeSpan.FromDays(3650);
    private readonly X509Certificate2 _authority = OperatorCertificates.CreateAuthority("Test CA", DateTimeOffset.UtcNow, TenYears);
    private readonly X509Certificate2 _otherAuthority = OperatorCertificates.CreateAuthority("Test CA", DateTimeOffset.UtcNow, TenYears);

    public void Dispose()
    {
        _authority.Dispose();
        _otherAuthority.Dispose();
    }

    [Theory]
    [InlineData(RelayLinkRole.Dispatcher)]
    [InlineData(RelayLinkRole.Relay)]
    public void An_issued_certificate_chains_to_its_CA_for_its_role(RelayLinkRole role)
    {
        using var issued = Issue(_authority, "node1", role);

        RelayLinkCertificates.Verify(issued, _authority, role, out var reason).ShouldBeTrue(reason);
    }

    [Theory]
    [InlineData(RelayLinkRole.Dispatcher, RelayLinkRole.Relay)]
    [InlineData(RelayLinkRole.Relay, RelayLinkRole.Dispatcher)]
    public void A_certificate_is_refused_for_the_other_role(RelayLinkRole issuedFor, RelayLinkRole usedAs)
    {
        // RFC 5280 section 4.2.1.12: a certificate with extended key usage may be used only for the purposes listed.
        using var issued = Issue(_authority, "node1", issuedFor);

        RelayLinkCertificates.Verify(issued, _authority, usedAs, out var reason).ShouldBeFalse();
        reason.ShouldContain("NotValidForUsage");
    }

    [Fact]
    public void A_certificate_from_another_CA_with_the_same_name_is_refused()
    {
        using var foreign = Issue(_otherAuthority, "relay1", RelayLinkRole.Relay);

        RelayLinkCertificates.Verify(foreign, _authority, RelayLinkRole.Relay, out var reason).ShouldBeFalse();
        reason.ShouldContain("relay1");
    }

    [Fact]
    public void The_CA_itself_is_not_accepted_as_a_relay()
    {
        RelayLinkCertificates.Verify(_authority, _authority, RelayLinkRole.Relay, out _).ShouldBeFalse();
    }

    [Fact]
    public void No_certificate_is_refused()
    {
        RelayLinkCertificates.Verify(null, _authority, RelayLinkRole.Relay, out var reason).ShouldBeFalse();
        reason.ShouldBe("no certificate presented");
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-30);
        using var authority = OperatorCertificates.CreateAuthority("Old CA", longAgo, TenYears);
        using var expired = OperatorCertificates.Issue(authority, "relay1", RelayLinkRole.Relay, [], longAgo, TimeSpan.FromDays(1));

        RelayLinkCertificates.Verify(expired, authority, RelayLinkRole.Relay, out var reason).ShouldBeFalse();
        reason.ShouldContain("NotTimeValid");
    }

    [Fact]
    public void The_CA_may_sign_end_certificates_only()
    {
        var constraints = _authority.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        constraints.CertificateAuthority.ShouldBeTrue();
        constraints.HasPathLengthConstraint.ShouldBeTrue();
        constraints.PathLengthConstraint.ShouldBe(0);
        _authority.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages
            .ShouldBe(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        _authority.SubjectName.Name.ShouldBe(_authority.IssuerName.Name);
    }

    [Theory]
    [InlineData(RelayLinkRole.Dispatcher, RelayLinkCertificates.ServerAuthentication)]
    [InlineData(RelayLinkRole.Relay, RelayLinkCertificates.ClientAuthentication)]
    public void An_end_certificate_carries_the_usages_of_its_role(RelayLinkRole role, string usage)
    {
        using var issued = Issue(_authority, "node1", role);

        issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority.ShouldBeFalse();
        issued.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.ShouldBe(X509KeyUsageFlags.DigitalSignature);
        issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(oid => oid.Value).ShouldBe([usage]);
        issued.IssuerName.Name.ShouldBe(_authority.SubjectName.Name);
        issued.SubjectName.Name.ShouldBe("CN=node1");
        issued.HasPrivateKey.ShouldBeTrue();
    }

    [Fact]
    public void Alternative_names_hold_the_given_addresses_and_host_names()
    {
        using var issued = OperatorCertificates.Issue(_authority, "proxy", RelayLinkRole.Dispatcher, ["127.0.0.1", "proxy.test"], DateTimeOffset.UtcNow, TenYears);

        var names = issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        names.EnumerateIPAddresses().Select(a => a.ToString()).ShouldBe(["127.0.0.1"]);
        names.EnumerateDnsNames().ShouldBe(["proxy.test"]);
    }

    [Fact]
    public void Written_PEM_files_load_back_and_the_key_is_private_to_its_owner()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-cert-");
        try
        {
            using var issued = Issue(_authority, "relay1", RelayLinkRole.Relay);
            var certificatePath = Path.Combine(directory.FullName, "relay1.crt");
            var keyPath = Path.Combine(directory.FullName, "relay1.key");

            OperatorCertificates.WritePem(issued, certificatePath, keyPath);

            File.ReadAllText(certificatePath).ShouldStartWith("-----BEGIN CERTIFICATE-----");
            File.ReadAllText(keyPath).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
            if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(keyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var loaded = RelayLinkCertificates.LoadIdentity(certificatePath, keyPath);
            loaded.Thumbprint.ShouldBe(issued.Thumbprint);
            loaded.HasPrivateKey.ShouldBeTrue();
            RelayLinkCertificates.Verify(loaded, _authority, RelayLinkRole.Relay, out var reason).ShouldBeTrue(reason);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, RelayLinkRole role) =>
        OperatorCertificates.Issue(authority, name, role, [], DateTimeOffset.UtcNow, TenYears);
}
