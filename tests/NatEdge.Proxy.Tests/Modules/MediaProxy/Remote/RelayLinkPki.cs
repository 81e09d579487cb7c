using System.Security.Cryptography.X509Certificates;
using NatEdge.Shared.Security;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>An operator CA with a dispatcher certificate, written as PEM into a temporary directory.</summary>
internal sealed class RelayLinkPki : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    public RelayLinkPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("natedge-pki-").FullName;
        Authority = OperatorCertificates.CreateAuthority("Test operator CA", DateTimeOffset.UtcNow, Validity);
        OperatorCertificates.WritePem(Authority, AuthorityPath, Path.Combine(Directory, "ca.key"));
        using var dispatcher = Issue("proxy", RelayLinkRole.Dispatcher);
        OperatorCertificates.WritePem(dispatcher, DispatcherCertificatePath, DispatcherKeyPath);
    }

    public string Directory { get; }
    public X509Certificate2 Authority { get; }
    public string AuthorityPath => Path.Combine(Directory, "ca.crt");
    public string DispatcherCertificatePath => Path.Combine(Directory, "proxy.crt");
    public string DispatcherKeyPath => Path.Combine(Directory, "proxy.key");

    public X509Certificate2 Issue(string name, RelayLinkRole role) =>
        OperatorCertificates.Issue(Authority, name, role, [], DateTimeOffset.UtcNow, Validity);

    public void Dispose()
    {
        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
