using System.ComponentModel;
using System.Diagnostics;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's <c>chromium</c> in headless mode, driven by its own command-line switches: each call loads one page in
/// a fresh profile, lets its scripts run for a budget of virtual time, then dumps the DOM or takes a screenshot.
/// Nothing is downloaded: background networking, component updates and sync are off.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    private readonly string _profiles = Directory.CreateTempSubdirectory("natedge-chromium-").FullName;
    private int _runs;

    public HeadlessChromium()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install Debian's chromium package (tests/scripts/install-deps.sh does)");
        }
    }

    /// <summary>The page's DOM after its scripts ran for <paramref name="virtualTime"/>.</summary>
    public async Task<string> DumpDomAsync(Uri page, TimeSpan virtualTime) =>
        (await RunAsync(page, virtualTime, "--dump-dom")).Stdout;

    public async Task ScreenshotAsync(Uri page, TimeSpan virtualTime, string pngPath, int width, int height)
    {
        var run = await RunAsync(page, virtualTime, $"--screenshot={pngPath}", $"--window-size={width},{height}");
        if (!File.Exists(pngPath)) throw new InvalidOperationException($"chromium wrote no screenshot (exit {run.ExitCode}): {run.Stderr}");
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Uri page, TimeSpan virtualTime, params string[] action)
    {
        var profile = Directory.CreateDirectory(Path.Combine(_profiles, $"profile-{Interlocked.Increment(ref _runs)}")).FullName;
        var info = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] switches =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
            $"--user-data-dir={profile}",
            $"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}",
        ];
        foreach (var s in switches) info.ArgumentList.Add(s);
        foreach (var s in action) info.ArgumentList.Add(s);
        info.ArgumentList.Add(page.ToString());
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {ExecutablePath}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{ExecutablePath} could not be started ({e.Message}): install Debian's chromium package", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(RunLimit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish with {page} within {RunLimit.TotalSeconds} s");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_profiles, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
