using System.Diagnostics;
using System.Text;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>
/// The built natedge-relay started as its own process, with its control socket and accounting log in a
/// temporary directory. Disposing sends SIGTERM and expects a clean exit (code 0).
/// </summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private RelayProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    private bool _disposed;

    public string Directory { get; }
    public string SocketPath => Path.Combine(Directory, "relay.sock");
    public string AccountingPath => Path.Combine(Directory, "accounting.log");
    public int? ExitCode { get; private set; }

    /// <summary>The accounting log as it was when the process had exited.</summary>
    public string[] FinalAccountingLines { get; private set; } = [];

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "natedge-relay.dll");

    public static async Task<RelayProcess> StartAsync(string portRange, params string[] extra)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("natedge-relay-").FullName;
        var socket = Path.Combine(directory, "relay.sock");
        string[] args =
        [
            DllPath, "run", "--control-socket", socket, "--port-range", portRange, "--relay-ip", "127.0.0.1",
            "--accounting-log", Path.Combine(directory, "accounting.log"), "--port-quarantine", "0", .. extra,
        ];
        var process = Start(args);
        var relay = new RelayProcess(process, directory);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (relay._stderr) relay._stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(socket))
        {
            if (process.HasExited) throw new InvalidOperationException($"natedge-relay exited with {process.ExitCode}: {relay.Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"natedge-relay did not create {socket} within 30 s: {relay.Stderr}");
            await Task.Delay(50);
        }
        return relay;
    }

    /// <summary>Runs the relay with the given arguments to completion (for start-up failures).</summary>
    public static async Task<(int ExitCode, string Stderr)> RunToExitAsync(params string[] args)
    {
        using var process = Start([DllPath, .. args]);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr);
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet");
    }

    /// <summary>Sends a POSIX signal by name (HUP, TERM) through kill(1).</summary>
    public async Task SignalAsync(string name)
    {
        using var kill = Process.Start("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        kill.ExitCode.ShouldBe(0);
    }

    /// <summary>Waits for the relay to exit on its own and returns its exit code; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"natedge-relay did not exit within {timeout.TotalSeconds} s: {Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>Ends the relay at once with SIGKILL, as a crash would: no session is ended, no socket closed cleanly.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>The relay's <c>sessions</c> answer on its control socket (spec §9).</summary>
    public async Task<System.Text.Json.JsonElement> SessionsAsync()
    {
        using var control = await ConnectAsync();
        return System.Text.Json.JsonDocument.Parse(await control.SendRawAsync("sessions\r\n\r\n")).RootElement.Clone();
    }

    public Task<ControlClient> ConnectAsync() => ControlClient.ConnectAsync(SocketPath);

    public string[] AccountingLines()
    {
        if (!File.Exists(AccountingPath)) return [];
        using var stream = new FileStream(AccountingPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        ExitCode = _process.ExitCode;
        FinalAccountingLines = AccountingLines();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
