using System.Net;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.MediaRelay.Discovery;

namespace NatEdge.IntegrationTests.Discovery;

/// <summary>The relay's lookup of a dispatcher name against a real name server (dnsmasq) on loopback.</summary>
public sealed class DnsDispatcherResolverTests : IAsyncLifetime
{
    private const string Domain = "lab.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private readonly string _directory = Directory.CreateTempSubdirectory("natedge-dns-").FullName;
    private readonly int _port = FreePorts.UdpAndTcp();
    private Dnsmasq? _dns;

    public async Task InitializeAsync() => _dns = await Dnsmasq.StartAsync(
        null, IPAddress.Loopback, Domain,
        [new("proxya.lab.test", 10, 60), new("proxyc.lab.test", 10, 10), new("proxyb.lab.test", 20, 40)],
        new Dictionary<string, IPAddress>
        {
            ["proxya.lab.test"] = IPAddress.Parse("127.0.0.11"),
            ["proxyb.lab.test"] = IPAddress.Parse("127.0.0.12"),
            ["proxyc.lab.test"] = IPAddress.Parse("127.0.0.13"),
            ["plain.lab.test"] = IPAddress.Parse("127.0.0.14"),
        },
        _directory,
        _port);

    public async Task DisposeAsync()
    {
        if (_dns is not null) await _dns.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private DnsDispatcherResolver Resolver() => new([new IPEndPoint(IPAddress.Loopback, _port)], Timeout);

    [Fact]
    public async Task A_domain_gives_its_SRV_targets_grouped_by_priority_at_the_configured_dispatcher_port()
    {
        var answer = await Resolver().ResolveAsync(new DnsEndPoint(Domain, 25070), CancellationToken.None);

        answer.Failure.ShouldBeNull();
        // RFC 2782 priority 10 before 20; the port dialled is the entry's, not SIP's 5060 from the records (spec §3.1).
        answer.Groups.Select(g => g.Select(t => (t.Name, t.Port, Address: t.Addresses.ShouldHaveSingleItem().ToString())).ToList()).ShouldBe(
        [
            [("proxya.lab.test", 25070, "127.0.0.11"), ("proxyc.lab.test", 25070, "127.0.0.13")],
            [("proxyb.lab.test", 25070, "127.0.0.12")],
        ]);
    }

    [Fact]
    public async Task A_name_without_SRV_records_is_a_host_dialled_at_its_address()
    {
        var answer = await Resolver().ResolveAsync(new DnsEndPoint("plain.lab.test", 25060), CancellationToken.None);

        answer.Failure.ShouldBeNull();
        var target = answer.Groups.ShouldHaveSingleItem().ShouldHaveSingleItem();
        target.Name.ShouldBe("plain.lab.test");
        target.Addresses.ShouldBe([IPAddress.Parse("127.0.0.14")]);
    }

    [Fact]
    public async Task A_name_with_no_record_and_a_server_that_does_not_answer_are_failures_not_empty_answers()
    {
        var unknown = await Resolver().ResolveAsync(new DnsEndPoint("nothing.lab.test", 25060), CancellationToken.None);
        unknown.Succeeded.ShouldBeFalse();
        unknown.Failure.ShouldNotBeNull().ShouldContain("no A or AAAA record");

        await _dns!.DisposeAsync();
        _dns = null;
        var silent = await Resolver().ResolveAsync(new DnsEndPoint(Domain, 25060), CancellationToken.None);
        silent.Succeeded.ShouldBeFalse();
        silent.Failure.ShouldNotBeNull().ShouldContain("_sip._udp.lab.test");
    }
}
