using System.CommandLine;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Management;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// <c>natedge-proxy run [--config FILE] [--listen PROTO:IP:PORT]... [--metrics IP:PORT] [--control-socket PATH]</c>:
/// loads the route script (refusing to start, exit 2, with every diagnostic printed when it has
/// errors), listens where the script and flags say, runs the script for every request until
/// SIGTERM or Ctrl-C, then exits 0. The control socket and SIGHUP reload the script.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = $"route script (ser.cfg dialect); default {ScriptSource.DefaultConfigPath} when it exists, else the built-in copy of it",
        };
        var listen = new Option<string[]>("--listen")
        {
            Description = "where to listen, [udp:|tcp:]IP[:PORT], repeatable; replaces the script's listen= lines (default udp and tcp on 127.0.0.1:5060)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var metrics = new Option<string?>("--metrics") { Description = "serve Prometheus metrics on IP:PORT (/metrics)" };
        var maxMessage = new Option<int?>("--max-message-size")
        {
            Description = "largest SIP message accepted in bytes; larger requests get 513 (default 65535, SER's BUF_SIZE)",
        };
        var controlSocket = new Option<string?>("--control-socket")
        {
            Description = "the control socket (ctl ul, reload, stats ...); replaces the script's fifo= (default: fifo=, else none)",
            HelpName = "PATH",
        };
        var command = new Command("run", "Run the SIP proxy in the foreground until SIGTERM or Ctrl-C; SIGHUP reloads the script") { config, listen, metrics, maxMessage, controlSocket };
        command.SetAction(result => Run(
            result.GetValue(config)?.ToString(),
            new RunFlags(result.GetValue(listen) ?? [], result.GetValue(metrics), result.GetValue(maxMessage)),
            result.GetValue(controlSocket)));
        return command;
    }

    private static int Run(string? configPath, RunFlags flags, string? controlSocket)
    {
        var source = ScriptSource.Resolve(configPath, out var sourceError);
        if (source is null)
        {
            Console.Error.WriteLine($"natedge-proxy run: {sourceError}");
            return Program.ExitBadUsage;
        }

        var script = ScriptLoader.BindText(source.Text, source.Name, out var diagnostics);
        Console.Error.Write(diagnostics.Render());
        if (diagnostics.HasErrors)
        {
            var count = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
            Console.Error.WriteLine($"natedge-proxy run: {source.Name}: {count} error(s); the proxy does not start");
            return Program.ExitBadUsage;
        }

        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(script.Settings, source.Name, flags.Listen, flags.Metrics, flags.MaxMessageBytes, errors);
        if (settings is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"natedge-proxy run: {error}");
            }

            return Program.ExitBadUsage;
        }

        var logLevel = new LogLevelSwitch(script.Settings.Debug);
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Trace)
            .AddFilter((_, _, level) => logLevel.IsEnabled(level))
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            }));
        using var shutdown = new ShutdownSignal();
        using var tracing = Telemetry.TracingExporter.StartFromEnvironment("natedge-proxy");
        var services = StartModules(script, loggers);
        if (services is null)
        {
            return Program.ExitRuntimeFailure;
        }

        SipRequestPipeline? pipeline = null;
        var reloadFrom = source.Name == ScriptSource.BuiltInName ? null : source.Name;
        try
        {
            return ProxyHost.RunAsync(
                    settings,
                    transports => pipeline = SipRequestPipeline.Create(settings, script, transports, loggers, services),
                    loggers,
                    shutdown,
                    TimeProvider.System,
                    listening => ProxyManagement.Start(
                        new ScriptReloader(reloadFrom, flags, script, settings, pipeline!, logLevel, loggers.CreateLogger("NatEdge.Proxy.Management")),
                        controlSocket ?? script.Settings.Fifo,
                        services,
                        logLevel,
                        loggers,
                        listening))
                .GetAwaiter().GetResult();
        }
        finally
        {
            // Disposing the stores stops their timers and writes what db_mode 2 still holds.
            services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The location store, nonces and tables the script's modules need, from their modparams.</summary>
    private static ModuleServices? StartModules(BoundScript script, ILoggerFactory loggers)
    {
        try
        {
            return ModuleServices.StartAsync(script.Modules, TimeProvider.System, loggers: loggers).GetAwaiter().GetResult();
        }
        catch (Modules.MediaProxy.Remote.RelayDispatcherException e)
        {
            Console.Error.WriteLine($"natedge-proxy run: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is StorageException or ArgumentException)
        {
            Console.Error.WriteLine($"natedge-proxy run: cannot open the module storage: {e.Message}");
            return null;
        }
    }
}
