using System.Net;
using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Transport;

/// <summary>Transport log events, ids 1000-1099.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(1000, LogLevel.Information, "Listening on {Transport}:{EndPoint}")]
    public static partial void Listening(ILogger logger, string transport, IPEndPoint endPoint);

    [LoggerMessage(1001, LogLevel.Error, "Handler failed for a message from {Transport}:{Remote}; the receive loop goes on")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string transport, IPEndPoint remote);

    [LoggerMessage(1002, LogLevel.Warning, "UDP receive error on {EndPoint}: {Error}")]
    public static partial void UdpReceiveError(ILogger logger, IPEndPoint endPoint, string error);

    [LoggerMessage(1003, LogLevel.Warning, "TCP connection refused from {Remote}: {Open} connections open, the limit")]
    public static partial void ConnectionLimitReached(ILogger logger, IPEndPoint remote, int open);

    [LoggerMessage(1004, LogLevel.Debug, "TCP connection from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1005, LogLevel.Information, "TCP framing error from {Remote}: {Error}; closing the connection")]
    public static partial void FramingError(ILogger logger, IPEndPoint remote, string error);

    [LoggerMessage(1006, LogLevel.Warning, "TCP accept error on {EndPoint}: {Error}")]
    public static partial void AcceptError(ILogger logger, IPEndPoint endPoint, string error);

    [LoggerMessage(1007, LogLevel.Debug, "Send to {Transport}:{Remote} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, string transport, IPEndPoint remote, string error);
}
