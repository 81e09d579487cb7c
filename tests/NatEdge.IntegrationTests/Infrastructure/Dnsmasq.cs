using System.Globalization;
using System.Net;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's dnsmasq (package dnsmasq-base) as the authoritative name server of a lab domain inside a network
/// namespace: no upstream, no /etc/hosts, only the records the test gives, answered at one address on port 53.
/// "Changing the records" is a restart with new ones, as an operator reloading a zone would see it.
/// </summary>
internal sealed class Dnsmasq : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Dnsmasq(ChildProcess process) => _process = process;

    public string Output => _process.Output;

    public static string Executable
    {
        get
        {
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin").Split(':').Append("/usr/sbin").Append("/usr/bin"))
            {
                var candidate = Path.Combine(directory, "dnsmasq");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException(
                "dnsmasq is not installed: install the Debian package dnsmasq-base (tests/scripts/install-deps.sh does, as root)");
        }
    }

    /// <summary>An SRV record of the domain's SIP service (RFC 2782) pointing at a host of the domain.</summary>
    public sealed record Srv(string Target, int Priority, int Weight, int Port = 5060);

    /// <summary>
    /// Starts dnsmasq at <paramref name="address"/>:<paramref name="port"/> answering for <paramref name="domain"/> only, inside
    /// namespace <paramref name="ns"/>, or in the test's own when it is null.
    /// </summary>
    public static async Task<Dnsmasq> StartAsync(string? ns, IPAddress address, string domain, IEnumerable<Srv> services, IReadOnlyDictionary<string, IPAddress> hosts,
        string directory, int port = 53)
    {
        var pidFile = Path.Combine(directory, $"dnsmasq-{Guid.NewGuid():N}.pid");
        List<string> arguments = ns is null ? [] : ["netns", "exec", ns, Executable];
        arguments.AddRange(
        [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", $"--listen-address={address}", string.Create(CultureInfo.InvariantCulture, $"--port={port}"), "--user=root", $"--pid-file={pidFile}",
            "--log-facility=-", "--log-queries", $"--local=/{domain}/",
        ]);
        foreach (var srv in services)
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--srv-host=_sip._udp.{domain},{srv.Target},{srv.Port},{srv.Priority},{srv.Weight}"));
        }

        foreach (var (host, hostAddress) in hosts)
        {
            arguments.Add($"--host-record={host},{hostAddress}");
        }

        var process = ChildProcess.Start(ns is null ? Executable : "ip", arguments, directory);
        var dnsmasq = new Dnsmasq(process);
        try
        {
            await process.WaitForOutputAsync("cleared cache", TimeSpan.FromSeconds(10));
        }
        catch
        {
            await dnsmasq.DisposeAsync();
            throw;
        }

        return dnsmasq;
    }

    /// <summary>Stops the server: queries to its address go unanswered from now on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
    }
}
