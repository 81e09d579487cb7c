using System.Net.NetworkInformation;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// Process tests send SIP that names hosts and addresses; inside a network namespace with only
/// loopback (what tests/run-all.sh creates) none of it can leave the machine. Under CI this is
/// required; a developer running tests directly on the host gets the same tests, which still
/// address only 127.0.0.1 and ::1.
/// </summary>
public static class NetworkIsolation
{
    /// <summary>Interface name prefixes that tests create themselves (veth pairs, bridges of a lab namespace).</summary>
    public static readonly IReadOnlyList<string> LabInterfacePrefixes = ["lo", "ne-", "natedge", "veth", "lab"];

    public static void Require()
    {
        var foreign = ForeignInterfaces();
        if (foreign.Count == 0 || !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw new InvalidOperationException(
            $"CI=true but this test runs in a network namespace with interfaces {string.Join(", ", foreign)}: " +
            "process tests must run inside a namespace with only loopback (run them through tests/run-all.sh, " +
            "which uses `ip netns exec`), so nothing they send can reach another machine");
    }

    public static IReadOnlyList<string> ForeignInterfaces() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus != OperationalStatus.Down)
            .Select(i => i.Name)
            .Where(name => !LabInterfacePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
}
