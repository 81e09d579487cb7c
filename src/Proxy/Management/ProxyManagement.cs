using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Modules;

namespace NatEdge.Proxy.Management;

/// <summary>
/// The management side of a running proxy: SIGHUP reloads the script, and the control socket
/// (when a path is configured) answers <see cref="ControlCommands"/>. Disposed at shutdown.
/// </summary>
public sealed class ProxyManagement : IAsyncDisposable
{
    private readonly PosixSignalRegistration _hangup;
    private readonly ControlSocketServer? _socket;

    private ProxyManagement(PosixSignalRegistration hangup, ControlSocketServer? socket)
    {
        _hangup = hangup;
        _socket = socket;
    }

    /// <param name="listeners">where the proxy listens, as <c>udp:IP:PORT</c> tokens, for <c>status</c></param>
    public static ProxyManagement Start(ScriptReloader reloader, string? socketPath, ModuleServices? services, LogLevelSwitch logLevel, ILoggerFactory loggers, IReadOnlyList<string> listeners)
    {
        ArgumentNullException.ThrowIfNull(reloader);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger("NatEdge.Proxy.Management");
        var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Reload instead of the default action (termination); the outcome is logged.
            context.Cancel = true;
            _ = Task.Run(reloader.Reload);
        });
        ControlSocketServer? socket = null;
        if (!string.IsNullOrEmpty(socketPath))
        {
            var commands = new ControlCommands(reloader, services?.Location, logLevel, logger, TimeProvider.System, listeners);
            socket = ControlSocketServer.Start(socketPath, commands.ExecuteAsync, logger);
        }

        return new ProxyManagement(hangup, socket);
    }

    public async ValueTask DisposeAsync()
    {
        _hangup.Dispose();
        if (_socket is not null)
        {
            await _socket.DisposeAsync().ConfigureAwait(false);
        }
    }
}
