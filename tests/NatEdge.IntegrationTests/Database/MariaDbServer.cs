using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace NatEdge.IntegrationTests.Database;

/// <summary>
/// A private MariaDB server for the tests: its own data directory and socket in a temp folder,
/// a free port in 20000-29999 on 127.0.0.1, a user <c>natedge</c> with a password. Started and
/// stopped by the tests (no system service); stopping and starting it again keeps its data,
/// which the outage tests use.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    public const string User = "natedge";
    public const string Password = "natedge-test-pw";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _root;
    private Process? _process;

    private MariaDbServer(DirectoryInfo root, int port)
    {
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root.FullName, "data");

    public string SocketPath => Path.Combine(_root.FullName, "mariadb.sock");

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<MariaDbServer> StartNewAsync()
    {
        var installer = FindTool("mariadb-install-db", "mysql_install_db");
        FindTool("mariadbd", "mysqld");
        var root = Directory.CreateTempSubdirectory("natedge-mariadb-");
        var server = new MariaDbServer(root, FreePort());
        var install = Run(
            installer,
            $"--no-defaults --datadir={server.DataDirectory} --auth-root-authentication-method=normal --skip-test-db {RunAsUser()}");
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"{installer} failed ({install.ExitCode}): {install.Output}");
        }

        await server.StartAsync();
        await server.AdminAsync(
            $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED BY '{Password}'",
            $"CREATE USER '{User}'@'localhost' IDENTIFIED BY '{Password}'",
            $"GRANT ALL PRIVILEGES ON *.* TO '{User}'@'127.0.0.1'",
            $"GRANT ALL PRIVILEGES ON *.* TO '{User}'@'localhost'");
        return server;
    }

    /// <summary>Starts mariadbd on the existing data directory and waits until it answers.</summary>
    public async Task StartAsync()
    {
        var daemon = FindTool("mariadbd", "mysqld");
        var arguments =
            $"--no-defaults --datadir={DataDirectory} --port={Port} --bind-address=127.0.0.1 --socket={SocketPath} " +
            $"--pid-file={Path.Combine(_root.FullName, "mariadb.pid")} --log-error={Path.Combine(_root.FullName, "error.log")} " +
            $"--skip-log-bin --innodb-buffer-pool-size=32M --max-connections=200 {RunAsUser()}";
        _process = Process.Start(new ProcessStartInfo(daemon, arguments) { UseShellExecute = false, RedirectStandardOutput = false })
            ?? throw new InvalidOperationException($"could not start {daemon}");

        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited with {_process.ExitCode}: {ErrorLogTail()}");
            }

            try
            {
                await AdminAsync("SELECT 1");
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the server the way a service stop does (SIGTERM), waiting for it to finish.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Sends a signal (STOP, CONT, ...) to the running server.</summary>
    public async Task SignalAsync(string signal)
    {
        if (_process is null || _process.HasExited)
        {
            throw new InvalidOperationException("MariaDB is not running");
        }

        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>A new empty database the <see cref="User"/> owns; returns its db_url.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "natedge_" + Guid.NewGuid().ToString("N")[..12];
        await AdminAsync($"CREATE DATABASE `{name}`");
        return $"mysql://{User}:{Password}@127.0.0.1:{Port}/{name}";
    }

    public async Task AdminAsync(params string[] statements)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
            UserID = "root",
            Pooling = false,
            ConnectionTimeout = 2,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the run; the temp folder is cleaned by the OS.
        }
    }

    private string ErrorLogTail()
    {
        var log = Path.Combine(_root.FullName, "error.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "(no error log)";
    }

    private static string RunAsUser() => Environment.UserName == "root" ? "--user=root" : "";

    private static string FindTool(params string[] names)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"]);
        foreach (var name in names)
        {
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException(
            $"{names[0]} not found: the database tests need a real MariaDB; install mariadb-server (tests/scripts/install-deps.sh does)");
    }

    private static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20000, 30000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free port in 20000-29999 for MariaDB");
    }

    private static (int ExitCode, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill();
            throw new TimeoutException($"{file} did not finish in 120 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>One MariaDB for every database test class, started once and stopped at the end.</summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    private MariaDbServer? _server;

    public MariaDbServer Server => _server ?? throw new InvalidOperationException("MariaDB did not start");

    public async Task InitializeAsync() => _server = await MariaDbServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>
{
    public const string Name = "MariaDB";
}
