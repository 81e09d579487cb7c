using System.Diagnostics;
using System.Globalization;
using System.Net;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// Relays that find their proxies in DNS (issue 11), in the DNS lab: a real name server (dnsmasq) publishes
/// <c>_sip._udp.lab.test</c> SRV records for proxy A and proxy B, each proxy a natedge-proxy whose dispatcher
/// listens on its own host, and two natedge-relay processes on their own hosts are configured with
/// <c>dispatchers = lab.test</c> and the name server's address. Records change by restarting the server with
/// new ones, as an operator reloading a zone would.
/// </summary>
/// <remarks>
/// Five processes per test and timings measured against the check interval: the class runs on its own, neither
/// slowed by other process tests nor slowing theirs.
/// </remarks>
[Collection(nameof(RelayDiscoveryLabTests))]
public sealed class RelayDiscoveryLabTests
{
    private const string Domain = "lab.test";
    private const string ProxyAName = "proxya.lab.test";
    private const string ProxyBName = "proxyb.lab.test";
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LinkWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Dialling after a change: the next check (at most one interval) plus TCP, TLS and the proxy's summary request,
    /// with room for a machine busy with other tests.
    /// </summary>
    private static readonly TimeSpan MoveLimit = CheckInterval + TimeSpan.FromSeconds(4);

    private static readonly Dictionary<string, IPAddress> Hosts = new() { [ProxyAName] = DnsLab.ProxyA, [ProxyBName] = DnsLab.ProxyB };

    [Fact]
    public async Task Relays_dial_the_best_SRV_priority_and_follow_added_and_removed_proxies_within_one_check_interval()
    {
        using var lab = new DnsLab();
        using var pki = await RelayLinkPki.CreateAsync("relay-1", "relay-2");
        using var directory = new TempDirectory("natedge-dnslab-");
        var dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyAName, 10, 60), new(ProxyBName, 20, 40)], Hosts, directory.Path);
        try
        {
            await using var proxyA = await StartProxyAsync(lab, 'a', DnsLab.ProxyA, pki, directory);
            await using var proxyB = await StartProxyAsync(lab, 'b', DnsLab.ProxyB, pki, directory);
            await using var relay1 = await StartRelayAsync(lab, 1, pki, directory);
            await using var relay2 = await StartRelayAsync(lab, 2, pki, directory);

            // Priority 10 beats 20 (RFC 2782): both relays dial proxy A only.
            await proxyA.WaitForOutputAsync("Relay CN=relay-1 connected from 198.18.0.21", LinkWait);
            await proxyA.WaitForOutputAsync("Relay CN=relay-2 connected from 198.18.0.22", LinkWait);
            await Task.Delay(CheckInterval * 2);
            proxyB.Output.ShouldNotContain("connected from", customMessage: "proxy B has the worse priority while A answers");

            // Proxy B joins the best priority group: dialled within one check, and A's links stay.
            await dns.DisposeAsync();
            var added = Stopwatch.StartNew();
            dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyAName, 10, 60), new(ProxyBName, 10, 40)], Hosts, directory.Path);
            await proxyB.WaitForOutputAsync("Relay CN=relay-1 connected from 198.18.0.21", MoveLimit);
            await proxyB.WaitForOutputAsync("Relay CN=relay-2 connected from 198.18.0.22", MoveLimit);
            var addedAfter = added.Elapsed;
            proxyA.Output.ShouldNotContain("disconnected");

            // Proxy A leaves DNS: with no session through it, each relay lets its link go within one check.
            await dns.DisposeAsync();
            var removed = Stopwatch.StartNew();
            dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyBName, 10, 40)], Hosts, directory.Path);
            await proxyA.WaitForOutputAsync("Relay CN=relay-1 at 198.18.0.21", MoveLimit);
            await proxyA.WaitForOutputAsync("Relay CN=relay-2 at 198.18.0.22", MoveLimit);
            var removedAfter = removed.Elapsed;
            relay1.Output.ShouldContain($"dispatcher {ProxyAName}:25060 is no longer wanted");
            proxyB.Output.ShouldNotContain("disconnected", customMessage: "the links to the proxy still in DNS are kept");

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"check interval {CheckInterval.TotalSeconds} s: proxy added and dialled after {addedAfter.TotalSeconds:0.00} s, proxy removed and let go after {removedAfter.TotalSeconds:0.00} s"));
        }
        finally
        {
            await dns.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_the_name_server_gone_links_stay_up_and_relays_fall_back_to_the_next_priority_when_the_best_proxy_dies()
    {
        using var lab = new DnsLab();
        using var pki = await RelayLinkPki.CreateAsync("relay-1");
        using var directory = new TempDirectory("natedge-dnslab-");
        await using var proxyA = await StartProxyAsync(lab, 'a', DnsLab.ProxyA, pki, directory);
        await using var proxyB = await StartProxyAsync(lab, 'b', DnsLab.ProxyB, pki, directory);
        ChildProcess relay;
        await using (var dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyAName, 10, 60), new(ProxyBName, 20, 40)], Hosts, directory.Path))
        {
            relay = await StartRelayAsync(lab, 1, pki, directory);
            await proxyA.WaitForOutputAsync("Relay CN=relay-1 connected from 198.18.0.21", LinkWait);
        }

        await using (relay)
        {
            // The name server is gone: every check fails, is logged, and changes nothing.
            await relay.WaitForOutputAsync("lookup failed", MoveLimit);
            await Task.Delay(CheckInterval * 3);
            proxyA.Output.ShouldNotContain("disconnected", customMessage: "a failed lookup never drops a working link");
            relay.Output.ShouldContain($"keeping {ProxyAName}:25060");

            // The best proxy dies: the last good answer's next priority group takes over, DNS or not.
            proxyA.Kill();
            await proxyB.WaitForOutputAsync("Relay CN=relay-1 connected from 198.18.0.21", LinkWait);
        }
    }

    [Fact]
    public async Task A_proxy_removed_from_DNS_keeps_the_link_for_its_running_call_takes_no_new_one_and_loses_the_link_when_the_call_ends()
    {
        using var lab = new DnsLab();
        using var pki = await RelayLinkPki.CreateAsync("relay-1");
        using var directory = new TempDirectory("natedge-dnslab-");
        var dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyAName, 10, 60)], Hosts, directory.Path);
        try
        {
            await using var proxyA = await StartProxyAsync(lab, 'a', DnsLab.ProxyA, pki, directory);
            await using var relay = await StartRelayAsync(lab, 1, pki, directory);
            await proxyA.WaitForOutputAsync("Relay CN=relay-1 connected from 198.18.0.21", LinkWait);
            await using var callee = ChildProcess.Start(
                "ip", ["netns", "exec", lab.ProxyHost('a'), Sipp.Executable, "-sn", "uas", "-i", "127.0.0.1", "-p", "5070", "-m", "1", "-nostdin", "-timeout", "60s", "-timeout_error"],
                directory.Path);
            var proxy = new IPEndPoint(IPAddress.Loopback, 5060);
            using var running = new MediaCallParty(proxy, lab.ProxyHost('a'));
            var answer = await running.InviteAsync("sip:callee@127.0.0.1:5070");
            answer.ShouldStartWith("SIP/2.0 200", customMessage: proxyA.Output + relay.Output);
            MediaCallParty.AudioEndPoint(answer).Address.ShouldBe(DnsLab.RelayAddress(1), "the call's media goes through the relay on its own host");
            await running.AckAsync();

            // Proxy A leaves DNS (proxy B, not running, takes its place): the relay keeps A's link for the running call.
            await dns.DisposeAsync();
            dns = await Dnsmasq.StartAsync(lab.Hub, DnsLab.NameServer, Domain, [new(ProxyBName, 10, 40)], Hosts, directory.Path);
            (await relay.WaitForOutputAsync($"dispatcher {ProxyAName}:25060 is no longer wanted", MoveLimit)).ShouldContain("1 session(s)");
            await Task.Delay(CheckInterval * 2);
            proxyA.Output.ShouldNotContain("disconnected", customMessage: "a retired link stays while a call it brought is running");

            // Spec §3.2: a new session gets halting, which leaves proxy A no relay for it.
            using (var refused = new MediaCallParty(proxy, lab.ProxyHost('a')))
            {
                (await refused.InviteAsync("sip:callee@127.0.0.1:5070")).ShouldStartWith("SIP/2.0 503");
            }

            (await running.ByeAsync()).ShouldBe(200);
            await proxyA.WaitForOutputAsync("Relay CN=relay-1 at 198.18.0.21", MoveLimit);
            relay.Output.ShouldContain("its last session has ended");
            (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
        }
        finally
        {
            await dns.DisposeAsync();
        }
    }

    /// <summary>natedge-proxy on its lab host, its dispatcher listening on the host's address at MediaProxy's port.</summary>
    private static async Task<ChildProcess> StartProxyAsync(DnsLab lab, char name, IPAddress address, RelayLinkPki pki, TempDirectory directory)
    {
        var script = MediaRelayScript.For(Path.Combine(pki.Directory, "no-local-relay.sock"), modparams: pki.DispatcherModparams(25060, address.ToString()));
        var config = directory.File($"proxy-{name}.cfg", script);
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", lab.ProxyHost(name), "dotnet", BuiltExecutables.ProxyDll, "run", "--config", config, "--listen", "udp:127.0.0.1:5060"],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        try
        {
            await process.WaitForOutputAsync("Relay dispatcher listening", LinkWait);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>natedge-relay on its lab host, finding its dispatchers as the SRV records of lab.test at the lab's name server.</summary>
    private static async Task<ChildProcess> StartRelayAsync(DnsLab lab, int relay, RelayLinkPki pki, TempDirectory directory)
    {
        var socket = Path.Combine(directory.Path, $"relay-{relay}.sock");
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", lab.RelayHost(relay), "dotnet", RelayProcess.DllPath, "run", "--control-socket", socket,
             "--port-range", $"2{relay}000-2{relay}099", "--relay-ip", DnsLab.RelayAddress(relay).ToString(), "--port-quarantine", "0",
             .. pki.RelayArguments($"relay-{relay}", 25060, Domain),
             "--dns-servers", DnsLab.NameServer.ToString(), "--dns-check-interval", CheckInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        try
        {
            await process.WaitForOutputAsync("listening on", LinkWait);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Runs <see cref="RelayDiscoveryLabTests"/> with no other test class at the same time.</summary>
[CollectionDefinition(nameof(RelayDiscoveryLabTests), DisableParallelization = true)]
public sealed class RelayDiscoveryLabCollection;
