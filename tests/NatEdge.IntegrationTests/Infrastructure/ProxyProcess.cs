using System.Globalization;
using System.Net;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// The built natedge-proxy running as a child process on loopback, listening on UDP and TCP on
/// one free port, in its own temporary working directory (so no config/natedge.cfg is picked up
/// unless a test puts one there). Disposing kills it if a test did not stop it.
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    public const string StartedLine = "NatEdge proxy started";

    private readonly TempDirectory _directory;

    private ProxyProcess(ChildProcess process, TempDirectory directory, int port)
    {
        Process = process;
        _directory = directory;
        Port = port;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string WorkingDirectory => _directory.Path;

    /// <summary>Starts `natedge-proxy run --listen udp:127.0.0.1:P --listen tcp:127.0.0.1:P` plus <paramref name="extraArguments"/> and waits until it listens.</summary>
    public static async Task<ProxyProcess> StartAsync(IEnumerable<string>? extraArguments = null)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        return await StartWithArgumentsAsync(["run", "--listen", $"udp:127.0.0.1:{p}", "--listen", $"tcp:127.0.0.1:{p}", .. extraArguments ?? []], port);
    }

    /// <summary>Starts the proxy with exactly <paramref name="arguments"/> (which must make it listen on <paramref name="port"/>).</summary>
    public static async Task<ProxyProcess> StartWithArgumentsAsync(IEnumerable<string> arguments, int port, Action<TempDirectory>? prepare = null)
    {
        NetworkIsolation.Require();
        var directory = new TempDirectory("natedge-proxy-");
        prepare?.Invoke(directory);
        var process = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, arguments, directory.Path);
        var proxy = new ProxyProcess(process, directory, port);
        try
        {
            await process.WaitForOutputAsync(StartedLine, TimeSpan.FromSeconds(20));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>Stops it as a supervisor would (SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync(string signal = "TERM")
    {
        Process.Signal(signal);
        return await Process.WaitForExitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _directory.Dispose();
    }
}
