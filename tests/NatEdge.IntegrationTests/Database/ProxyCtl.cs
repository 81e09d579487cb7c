using System.Diagnostics;

namespace NatEdge.IntegrationTests.Database;

/// <summary>Runs the built natedge-proxy as a process: <c>dotnet natedge-proxy.dll ctl ...</c>.</summary>
public static class ProxyCtl
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "natedge-proxy.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} is built beside the tests");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("ctl");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start natedge-proxy");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"natedge-proxy ctl {string.Join(' ', arguments)} did not finish in {Limit.TotalSeconds} s");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
