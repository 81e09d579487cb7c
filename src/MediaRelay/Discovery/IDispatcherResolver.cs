using System.Net;

namespace NatEdge.MediaRelay.Discovery;

/// <summary>Looks up one configured dispatcher entry (a domain or host name; never an IP address).</summary>
internal interface IDispatcherResolver
{
    Task<DispatcherResolution> ResolveAsync(DnsEndPoint entry, CancellationToken cancellationToken);
}
