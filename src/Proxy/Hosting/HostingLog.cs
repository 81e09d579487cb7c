using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Hosting;

/// <summary>Start-up and shutdown log events, ids 100-199.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(100, LogLevel.Information, "NatEdge proxy started: {Listening} (config {Config})")]
    public static partial void Started(ILogger logger, string listening, string config);

    [LoggerMessage(101, LogLevel.Information, "Stopping on {Signal}")]
    public static partial void Stopping(ILogger logger, string signal);

    [LoggerMessage(102, LogLevel.Information, "NatEdge proxy stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(103, LogLevel.Critical, "{Message}")]
    public static partial void CannotListen(ILogger logger, string message);

    [LoggerMessage(104, LogLevel.Information, "Metrics on http://{EndPoint}/metrics")]
    public static partial void MetricsListening(ILogger logger, string endPoint);
}
