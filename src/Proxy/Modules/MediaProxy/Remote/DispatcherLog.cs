using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>Log events of the relay dispatcher, ids 1400-1499.</summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(1400, LogLevel.Information, "Relay dispatcher listening on {EndPoint} (TLS, relay certificates from CA '{Authority}')")]
    public static partial void Listening(ILogger logger, string endPoint, string authority);

    [LoggerMessage(1401, LogLevel.Warning, "Relay connection from {Remote} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string reason);

    [LoggerMessage(1402, LogLevel.Information, "Relay {Relay} connected from {Remote} with weight {Weight}")]
    public static partial void Connected(ILogger logger, string relay, string remote, int weight);

    [LoggerMessage(1403, LogLevel.Warning, "Relay {Relay} at {Remote} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string relay, string remote, string reason);

    [LoggerMessage(1404, LogLevel.Information, "Relay {Relay} replaced by a newer connection from {Remote}")]
    public static partial void Replaced(ILogger logger, string relay, string remote);

    [LoggerMessage(1405, LogLevel.Warning, "Relay {Relay} did not answer {Command} within {TimeoutMs} ms; no new sessions go to it until it pings again")]
    public static partial void TimedOut(ILogger logger, string relay, string command, double timeoutMs);

    [LoggerMessage(1406, LogLevel.Information, "Relay {Relay} is halting; no new sessions go to it")]
    public static partial void Halting(ILogger logger, string relay);

    [LoggerMessage(1408, LogLevel.Warning, "Relay {Relay} reconnected without session {CallId}; the call is forgotten")]
    public static partial void Lost(ILogger logger, string relay, string callId);

    [LoggerMessage(1409, LogLevel.Warning, "Relay {Relay} reported no usable weight in its summary ({Detail}); it takes weight 1")]
    public static partial void NoWeight(ILogger logger, string relay, string detail);

    [LoggerMessage(1407, LogLevel.Information, "Relay {Relay} reports session {CallId} expired")]
    public static partial void Expired(ILogger logger, string relay, string callId);

    [LoggerMessage(1409, LogLevel.Warning, "Relay {Relay} at {Remote} dropped: timed out for {TimedOutMs:0} ms without recovering; {Forgotten} calls on it forgotten")]
    public static partial void Dropped(ILogger logger, string relay, string remote, double timedOutMs, int forgotten);
}
