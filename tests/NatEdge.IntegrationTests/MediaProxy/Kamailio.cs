using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// Kamailio from Debian (package <c>kamailio</c>) run in the foreground on a loopback port with the
/// load harness's MediaProxy configuration (shared/bench/kamailio/stage_d_mediaproxy.cfg, without
/// authentication), its <c>mediaproxy</c> module pointed at a given relay socket.
/// </summary>
internal sealed class Kamailio : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TempDirectory _directory;

    private Kamailio(ChildProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Output => _process.Output;

    public static string Executable
    {
        get
        {
            foreach (var candidate in new[] { "/usr/sbin/kamailio", "/usr/local/sbin/kamailio", "/usr/bin/kamailio" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("kamailio is not installed: install the Debian package kamailio (tests/scripts/install-deps.sh does, as root)");
        }
    }

    public static string MediaProxyConfiguration
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("NATEDGE_SHARED_DIR");
            var shared = string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(BuiltExecutables.RepositoryRoot, "..", "shared") : fromEnvironment;
            var path = Path.Combine(shared, "bench", "kamailio", "stage_d_mediaproxy.cfg");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{Path.GetFullPath(path)} is missing (set NATEDGE_SHARED_DIR to the shared folder)");
            }

            return path;
        }
    }

    /// <summary>Starts Kamailio with the configuration moved to <paramref name="port"/> and waits until it answers SIP.</summary>
    public static async Task<Kamailio> StartAsync(string relaySocket, int port)
    {
        NetworkIsolation.Require();
        var executable = Executable;
        var directory = new TempDirectory("natedge-kamailio-");
        var configuration = (await File.ReadAllTextAsync(MediaProxyConfiguration))
            .Replace("listen=udp:127.0.0.1:5060", $"listen=udp:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("listen=tcp:127.0.0.1:5060\n", string.Empty, StringComparison.Ordinal)
            .Replace("unix:/run/kamailio/kamailio_ctl", "unix:" + Path.Combine(directory.Path, "kamailio_ctl"), StringComparison.Ordinal)
            .Replace("children=4", "children=2", StringComparison.Ordinal);
        var file = directory.File("kamailio.cfg", configuration);
        var process = ChildProcess.Start(
            executable,
            ["-DD", "-E", "-f", file, "-A", "NO_AUTH", "-A", $"MP_SOCKET=\"{relaySocket}\"", "-A", "MP_TIMEOUT=5000", "-Y", directory.Path, "-w", directory.Path, "-m", "32", "-M", "4"],
            directory.Path);
        var kamailio = new Kamailio(process, directory, port);
        try
        {
            await kamailio.WaitUntilAnsweringAsync();
        }
        catch
        {
            await kamailio.DisposeAsync();
            throw;
        }

        return kamailio;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>OPTIONS to itself until any answer comes back (the script answers 404: no such user).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kamailio exited with {_process.ExitCode}:\n{_process.Output}");
            }

            var options =
                $"OPTIONS sip:ping@127.0.0.1:{Port} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-ready{attempt};rport\r\n" +
                "Max-Forwards: 70\r\n" +
                $"From: <sip:probe@127.0.0.1>;tag=ready{attempt}\r\n" +
                "To: <sip:ping@127.0.0.1>\r\n" +
                $"Call-ID: ready-{attempt}@127.0.0.1\r\n" +
                "CSeq: 1 OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n";
            await client.SendAsync(Encoding.ASCII.GetBytes(options), EndPoint);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                await client.ReceiveAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                // Port not bound yet: ICMP unreachable.
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"kamailio did not answer SIP on port {Port} within 20 s:\n{_process.Output}");
    }
}
