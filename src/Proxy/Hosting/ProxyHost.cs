using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// The running proxy: binds every listener, starts the receive loops and then the management
/// interface (told where the proxy listens), waits for the stop signal and shuts down through one path. Returns the process exit code of the command-line contract.
/// </summary>
public static class ProxyHost
{
    public static async Task<int> RunAsync(
        ProxyRunSettings settings,
        Func<ProxyTransports, ISipMessageHandler> createHandler,
        ILoggerFactory loggers,
        ShutdownSignal shutdown,
        TimeProvider timeProvider,
        Func<IReadOnlyList<string>, IAsyncDisposable?>? startManagement = null)
    {
        var logger = loggers.CreateLogger("NatEdge.Proxy.Hosting");
        ProxyTransports transports;
        try
        {
            transports = await ProxyTransports.BindAsync(settings, createHandler, loggers, timeProvider).ConfigureAwait(false);
        }
        catch (ListenException e)
        {
            HostingLog.CannotListen(logger, e.Message);
            return Program.ExitRuntimeFailure;
        }

        await using (transports.ConfigureAwait(false))
        {
            using var metrics = settings.MetricsEndPoint is { } endPoint ? MetricsEndpoint.Start(endPoint, logger) : null;
            transports.Start();
            var listening = transports.All.Select(l => $"{l.Transport.ListenToken()}:{l.LocalEndPoint}").ToList();
            await using var management = startManagement?.Invoke(listening);
            HostingLog.Started(logger, string.Join(' ', listening), settings.ConfigName);
            try
            {
                await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                HostingLog.Stopping(logger, shutdown.Received?.ToString() ?? "request");
            }
        }

        HostingLog.Stopped(logger);
        return Program.ExitOk;
    }
}
