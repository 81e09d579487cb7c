using System.Globalization;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// Runs SIPp (Debian package sip-tester) as a child process with a bounded call count and a
/// global timeout, so a scenario that never completes still ends the test.
/// </summary>
public static class Sipp
{
    public static string Executable
    {
        get
        {
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
            {
                var candidate = Path.Combine(directory, "sipp");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException(
                "sipp is not installed: install the Debian package sip-tester (tests/scripts/install-deps.sh does, as root)");
        }
    }

    /// <summary>
    /// SIPp's built-in UAS answering one call on 127.0.0.1:<paramref name="sipPort"/> (180, then 200 with
    /// SDP naming <paramref name="mediaPort"/>) and echoing the RTP it receives there to its source;
    /// it exits 0 after the BYE, or with an error after 30 s.
    /// </summary>
    public static ChildProcess StartEchoingCallee(int sipPort, int mediaPort, string directory, params string[] extra) =>
        ChildProcess.Start(
            Executable,
            ["-sn", "uas", "-i", "127.0.0.1", "-p", sipPort.ToString(CultureInfo.InvariantCulture), "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
             "-rtp_echo", "-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error", .. extra],
            directory);

    /// <summary>The scenario folder, loadtest/sipp/ in the repository.</summary>
    public static string Scenario(string fileName)
    {
        var path = Path.Combine(BuiltExecutables.RepositoryRoot, "loadtest", "sipp", fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"SIPp scenario {path} is missing");
        }

        return path;
    }

    /// <summary>
    /// Runs a client scenario against <paramref name="target"/> (host:port) for <paramref name="calls"/>
    /// calls and returns the finished process (exit code 0: every call succeeded).
    /// </summary>
    public static async Task<SippResult> RunClientAsync(string scenario, string target, int calls, string transport, string localAddress, TimeSpan timeout, IEnumerable<string>? extra = null)
    {
        using var directory = new TempDirectory("natedge-sipp-");
        var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        string[] arguments =
        [
            target,
            "-sf", scenario,
            "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-t", transport,
            "-i", localAddress,

            // SIPp takes 5060 when it is free; an explicit port keeps it off the proxy's default.
            "-p", FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture),
            "-timeout", seconds + "s",
            "-timeout_error",
            "-recv_timeout", "5000",
            "-nostdin",
            "-trace_err", "-error_file", Path.Combine(directory.Path, "errors.log"),
            .. extra ?? [],
        ];
        await using var sipp = ChildProcess.Start(Executable, arguments, directory.Path);
        var exitCode = await sipp.WaitForExitAsync(timeout + TimeSpan.FromSeconds(10));
        var errors = Path.Combine(directory.Path, "errors.log");
        var errorText = File.Exists(errors) ? await File.ReadAllTextAsync(errors) : string.Empty;
        return new SippResult(exitCode, sipp.Output, errorText);
    }
}

/// <summary>SIPp's exit code (0 all calls succeeded, 1 some failed, others fatal), its output and its error log.</summary>
public sealed record SippResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"sipp exited {ExitCode}\n{Output}\n{Errors}";
}
