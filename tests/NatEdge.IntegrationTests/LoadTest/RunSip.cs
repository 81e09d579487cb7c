using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>Invokes loadtest/run-sip.sh with the proxy dll of the test output and reads its results file.</summary>
public static class RunSip
{
    public const string ResultsFileName = "sip-runs.log";

    public static async Task<RunSipOutcome> RunAsync(string scenario, int rate, int seconds, string outputDirectory, IReadOnlyList<string>? extraArguments = null)
    {
        _ = Sipp.Executable;
        var script = Path.Combine(BuiltExecutables.RepositoryRoot, "loadtest", "run-sip.sh");
        string[] arguments =
        [
            script,
            "--scenario", scenario,
            "--rate", rate.ToString(CultureInfo.InvariantCulture),
            "--duration", seconds.ToString(CultureInfo.InvariantCulture),
            // The first calls of a fresh proxy pay for JIT compilation; the pass criterion is about the load.
            "--warmup", "1",
            "--proxy-dll", BuiltExecutables.ProxyDll,
            "--out", outputDirectory,
            .. extraArguments ?? [],
        ];
        await using var runner = ChildProcess.Start("bash", arguments, outputDirectory, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });

        // The script bounds SIPp at duration + 40 s and the proxy start at 20 s.
        var exitCode = await runner.WaitForExitAsync(TimeSpan.FromSeconds(seconds + 90));
        return new RunSipOutcome(exitCode, runner.Output);
    }

    /// <summary>Each results line of the runner's log (run-sip.sh's by default) as its key=value fields.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadResults(string outputDirectory, string fileName = ResultsFileName)
    {
        var path = Path.Combine(outputDirectory, fileName);
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path)
            .Where(line => line.StartsWith("time=", StringComparison.Ordinal))
            .Select(line => (IReadOnlyDictionary<string, string>)line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(field => field.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal))
            .ToList();
    }
}

public sealed record RunSipOutcome(int ExitCode, string Output)
{
    public override string ToString() => $"run-sip.sh exited {ExitCode}\n{Output}";
}
