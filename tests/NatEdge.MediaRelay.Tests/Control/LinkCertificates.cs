using System.Security.Cryptography.X509Certificates;
using NatEdge.Shared.Security;

namespace NatEdge.MediaRelay.Tests.Control;

/// <summary>An operator CA with a relay certificate and a dispatcher certificate it issued, for link tests.</summary>
internal sealed class LinkCertificates : IDisposable
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    public LinkCertificates()
    {
        Authority = OperatorCertificates.CreateAuthority("Test operator CA", DateTimeOffset.UtcNow, Validity);
        Relay = OperatorCertificates.Issue(Authority, "relay1", RelayLinkRole.Relay, [], DateTimeOffset.UtcNow, Validity);
        Dispatcher = OperatorCertificates.Issue(Authority, "proxy", RelayLinkRole.Dispatcher, [], DateTimeOffset.UtcNow, Validity);
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Relay { get; }

    public X509Certificate2 Dispatcher { get; }

    public void Dispose()
    {
        Relay.Dispose();
        Dispatcher.Dispose();
        Authority.Dispose();
    }
}
