using System.Diagnostics;
using System.Net;

namespace NatEdge.IntegrationTests.Lab;

/// <summary>
/// The NAT lab of tests/lab/natlab.sh, created for one test class and removed
/// after it. Namespaces are prefixed with a per-instance name so labs of tests
/// running side by side never meet.
/// </summary>
public sealed class NatLab : IDisposable
{
    public static readonly IPAddress ProxyHost = IPAddress.Parse("198.18.0.1");
    public static readonly IPAddress RelayHost = IPAddress.Parse("198.18.0.20");

    private static int s_counter;

    public NatLab()
    {
        Prefix = $"nl{Environment.ProcessId % 10000}x{Interlocked.Increment(ref s_counter)}";
        Script = Path.Combine(RepositoryRoot(), "tests", "lab", "natlab.sh");
        Run(Script, "up", Prefix);
    }

    public string Prefix { get; }

    public string Script { get; }

    public string Public => $"{Prefix}-pub";

    public string Relay => $"{Prefix}-relay";

    public string Home(int n) => $"{Prefix}-home{n}";

    public string Router(int n) => $"{Prefix}-r{n}";

    /// <summary>The address a home's packets carry after its router's MASQUERADE.</summary>
    public static IPAddress RouterWan(int n) => IPAddress.Parse($"198.18.0.1{n}");

    public static IPAddress Phone(int n) => IPAddress.Parse($"192.168.{n}.10");

    /// <summary>Runs a command inside one of the lab's namespaces and returns its output.</summary>
    public static string Exec(string ns, params string[] command) =>
        Run("ip", ["netns", "exec", ns, .. command]);

    public void Dispose() => Run(Script, "down", Prefix);

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NatEdge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("NatEdge.sln not found above " + AppContext.BaseDirectory);
    }

    internal static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 30 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited {process.ExitCode} (the NAT lab needs root, iproute2 and iptables): {stderr.Result}");
        }

        return stdout.Result;
    }
}
