using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace NatEdge.MediaRelay.Discovery;

/// <summary>
/// Finds the proxies of a dispatcher entry as MediaProxy's relay does (spec §3.1): the SRV records of the domain's
/// SIP service, <c>_sip._udp.NAME</c>, name the proxies, each dialled on the configured dispatcher port (the SRV
/// port is SIP's, not the dispatcher's); a name with no such records is a host, dialled at its A/AAAA addresses.
/// Only an answer counts: a timeout, SERVFAIL or refusal is a failure, and so is a lookup that finds no address
/// at all, so the caller keeps what it had.
/// </summary>
/// <remarks>
/// With configured name servers every query goes to them. Without, SRV queries go to the servers of
/// /etc/resolv.conf and host addresses come from the system resolver, so /etc/hosts still names a proxy. The SRV
/// question is always asked first and its failure is the lookup's: a domain must never turn into a host (and its
/// web server's A record into a dispatcher) because its name server was down for a moment.
/// </remarks>
internal sealed class DnsDispatcherResolver : IDispatcherResolver
{
    /// <summary>SIP's service label in an SRV name (RFC 3263 §4.2); MediaProxy asks for the UDP one.</summary>
    private const string SipService = "_sip._udp.";

    private static readonly QueryType[] AddressTypes = [QueryType.A, QueryType.AAAA];

    private readonly LookupClient? _lookup;
    private readonly bool _systemAddresses;
    private readonly string? _noServers;

    public DnsDispatcherResolver(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout)
    {
        _systemAddresses = servers.Count == 0;
        var nameServers = _systemAddresses ? SystemNameServers() : servers.Select(s => new NameServer(s)).ToArray();
        if (nameServers.Length == 0)
        {
            _noServers = "no name server: set dns_servers, or list one in /etc/resolv.conf";
            return;
        }

        _lookup = new LookupClient(new LookupClientOptions(nameServers)
        {
            // Every check asks again: an answer is kept by the caller, never by a cache that would hide a change.
            UseCache = false,
            Timeout = timeout,
            Retries = 1,
            ThrowDnsErrors = false,
            UseTcpFallback = true,
        });
    }

    /// <summary>The name servers of /etc/resolv.conf; never a public resolver in their place (DnsClient's fallback is off).</summary>
    private static NameServer[] SystemNameServers()
    {
        try
        {
            return [.. NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false)];
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Net.NetworkInformation.NetworkInformationException)
        {
            return [];
        }
    }

    public async Task<DispatcherResolution> ResolveAsync(DnsEndPoint entry, CancellationToken cancellationToken)
    {
        if (_lookup is null) return DispatcherResolution.Failed(_noServers!);
        var name = entry.Host.TrimEnd('.');
        var srv = await QueryAsync(SipService + name, QueryType.SRV, cancellationToken).ConfigureAwait(false);
        if (srv.Failure is not null) return DispatcherResolution.Failed(srv.Failure);

        var groups = SrvPriorityGroups.Group(srv.Records.SrvRecords().Select(r => new SrvAnswer(r.Target.Value, r.Priority, r.Weight)));
        if (groups.Count == 0)
        {
            var host = await AddressesAsync(name, [], cancellationToken).ConfigureAwait(false);
            if (host.Failure is not null) return DispatcherResolution.Failed(host.Failure);
            if (host.Addresses.Count == 0) return DispatcherResolution.Failed($"{name} has no {SipService}{name} SRV record and no A or AAAA record");
            return DispatcherResolution.Of([[new DispatcherTarget(name, entry.Port, host.Addresses)]]);
        }

        var resolved = new List<IReadOnlyList<DispatcherTarget>>(groups.Count);
        foreach (var group in groups)
        {
            var targets = new List<DispatcherTarget>(group.Count);
            foreach (var answer in group)
            {
                var addresses = await AddressesAsync(answer.Target, srv.Records, cancellationToken).ConfigureAwait(false);
                if (addresses.Failure is not null) return DispatcherResolution.Failed(addresses.Failure);
                if (addresses.Addresses.Count > 0) targets.Add(new DispatcherTarget(answer.Target, entry.Port, addresses.Addresses));
            }

            if (targets.Count > 0) resolved.Add(targets);
        }

        return resolved.Count > 0
            ? DispatcherResolution.Of(resolved)
            : DispatcherResolution.Failed($"no target of {SipService}{name} has an A or AAAA record");
    }

    /// <summary>The addresses of a host: from the SRV answer's additional records when the server sent them, else asked for.</summary>
    private async Task<(IReadOnlyList<IPAddress> Addresses, string? Failure)> AddressesAsync(string host, IReadOnlyList<DnsResourceRecord> known, CancellationToken cancellationToken)
    {
        var glued = known.AddressRecords().Where(r => SameName(r.DomainName.Value, host)).Select(r => r.Address).ToList();
        if (glued.Count > 0) return (IPv4First(glued), null);
        if (_systemAddresses) return await SystemAddressesAsync(host, cancellationToken).ConfigureAwait(false);

        var found = new List<IPAddress>();
        foreach (var type in AddressTypes)
        {
            var answer = await QueryAsync(host, type, cancellationToken).ConfigureAwait(false);
            if (answer.Failure is not null) return ([], answer.Failure);
            found.AddRange(answer.Records.AddressRecords().Select(r => r.Address));
        }

        return (IPv4First(found), null);
    }

    private static async Task<(IReadOnlyList<IPAddress> Addresses, string? Failure)> SystemAddressesAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return (IPv4First(await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)), null);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return ([], null);
        }
        catch (SocketException e)
        {
            return ([], $"cannot look up {host}: {e.Message}");
        }
    }

    /// <summary>The answer records of one query; NXDOMAIN and an empty answer are answers (no records), anything else a failure.</summary>
    private async Task<(IReadOnlyList<DnsResourceRecord> Records, string? Failure)> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _lookup!.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DnsResponseException or SocketException or IOException)
        {
            return ([], $"{type} query for {name} failed: {e.Message}");
        }

        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) return ([], null);
        if (response.HasError) return ([], $"{type} query for {name} answered {response.ErrorMessage}");
        var records = new List<DnsResourceRecord>(response.Answers.Count + response.Additionals.Count);
        records.AddRange(response.Answers);
        records.AddRange(response.Additionals);
        return (records, null);
    }

    private static bool SameName(string recordName, string host) =>
        string.Equals(recordName.TrimEnd('.'), host, StringComparison.OrdinalIgnoreCase);

    private static List<IPAddress> IPv4First(IEnumerable<IPAddress> addresses) =>
        [.. addresses.Distinct().OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)];
}
