using System.Net;

namespace NatEdge.IntegrationTests.Lab;

/// <summary>
/// The DNS lab of tests/lab/dnslab.sh, created for one test and removed after it: a name server's host, two
/// proxy hosts and two relay hosts on one segment. Namespaces are prefixed per instance, so labs of tests
/// running side by side never meet.
/// </summary>
public sealed class DnsLab : IDisposable
{
    public static readonly IPAddress NameServer = IPAddress.Parse("198.18.0.53");
    public static readonly IPAddress ProxyA = IPAddress.Parse("198.18.0.1");
    public static readonly IPAddress ProxyB = IPAddress.Parse("198.18.0.2");

    private static int s_counter;

    public DnsLab()
    {
        Prefix = $"dl{Environment.ProcessId % 10000}x{Interlocked.Increment(ref s_counter)}";
        Script = Path.Combine(NatLab.RepositoryRoot(), "tests", "lab", "dnslab.sh");
        NatLab.Run(Script, "up", Prefix);
    }

    public string Prefix { get; }

    public string Script { get; }

    /// <summary>The name server's namespace.</summary>
    public string Hub => $"{Prefix}-hub";

    public string ProxyHost(char proxy) => $"{Prefix}-p{char.ToLowerInvariant(proxy)}";

    public string RelayHost(int relay) => $"{Prefix}-r{relay}";

    public static IPAddress RelayAddress(int relay) => IPAddress.Parse($"198.18.0.2{relay}");

    public void Dispose() => NatLab.Run(Script, "down", Prefix);
}
