using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Control;

namespace NatEdge.MediaRelay;

/// <summary>
/// The natedge-relay executable: <c>natedge-relay run [--config FILE] [--control-socket PATH] [--port-range LOW-HIGH]
/// [--metrics IP:PORT] ...</c>. Exit codes (DESIGN.md): 0 success, 1 runtime failure, 2 bad usage or configuration.
/// </summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitRuntimeFailure = 1;
    public const int ExitBadUsage = 2;

    /// <summary>Read when no --config is given and the file exists (DESIGN.md).</summary>
    public const string DefaultConfigFile = "config/relay.ini";

    public static int Main(string[] args)
    {
        var root = new RootCommand("NatEdge media relay: serves the MediaProxy module protocol and relays RTP/RTCP");
        root.Subcommands.Add(BuildRunCommand());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
            return ExitBadUsage;
        }
        if (parsed.CommandResult.Command == root)
        {
            Console.Error.WriteLine("usage: natedge-relay run [--config FILE] [--control-socket PATH] [--port-range LOW-HIGH] [--metrics IP:PORT]");
            return ExitBadUsage;
        }
        return parsed.Invoke();
    }

    private static Command BuildRunCommand()
    {
        var config = new Option<string?>("--config") { Description = $"relay settings file (default {DefaultConfigFile} when present)" };
        // Every setting of the file can be given as a flag; the flag wins.
        var flags = RelayOptionsBuilder.Names
            .Select(name => (Name: name, Option: new Option<string?>("--" + name.Replace('_', '-')) { Description = $"overrides '{name}' of the settings file" }))
            .ToList();
        var run = new Command("run", "run the relay in the foreground until SIGTERM");
        run.Options.Add(config);
        foreach (var (_, option) in flags) run.Options.Add(option);
        run.SetAction(parse =>
        {
            var diagnostics = new List<ConfigDiagnostic>();
            var settings = new List<RawSetting>();
            var file = parse.GetValue(config);
            if (file is not null) settings.AddRange(RelayConfigFile.Read(file, diagnostics));
            else if (File.Exists(DefaultConfigFile)) settings.AddRange(RelayConfigFile.Read(DefaultConfigFile, diagnostics));
            foreach (var (name, option) in flags)
            {
                if (parse.GetValue(option) is { } value) settings.Add(new RawSetting(name, value, option.Name));
            }
            var options = RelayOptionsBuilder.Build(settings, diagnostics);
            if (diagnostics.Count > 0)
            {
                foreach (var d in diagnostics) Console.Error.WriteLine($"natedge-relay: configuration error: {d}");
                return ExitBadUsage;
            }
            return Run(options);
        });
        return run;
    }

    private static int Run(RelayOptions options)
    {
        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Set(); });
        using var drainRequested = new ManualResetEventSlim();
        // SIGHUP drains (spec §3.2): no new sessions, exit once the last running one has ended (upgrades).
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => { context.Cancel = true; drainRequested.Set(); });
        RelayHost host;
        try
        {
            host = new RelayHost(options, TimeProvider.System);
            host.Start();
        }
        catch (Exception e) when (e is ControlSocketException or SocketException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            RelayLog.Error(e.Message);
            return ExitRuntimeFailure;
        }
        host.Sessions.Drained += stop.Set;
        var draining = WaitHandle.WaitAny([stop.WaitHandle, drainRequested.WaitHandle]) == 1;
        if (draining)
        {
            RelayLog.Info($"SIGHUP: halting; no new sessions, exiting when the last of {host.Sessions.Count} sessions ends");
            host.Sessions.Halt();
            stop.Wait();
        }
        RelayLog.Info(draining && host.Sessions.Count == 0 ? "drained: the last session has ended; stopping" : "SIGTERM: ending sessions and stopping");
        host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ExitOk;
    }
}
