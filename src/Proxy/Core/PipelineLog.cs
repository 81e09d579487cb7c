using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Core;

/// <summary>Request pipeline log events, ids 1100-1199. Per-message events are Debug: a flood must not flood the log.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(1100, LogLevel.Debug, "Dropped a message over {Transport}: {Reason}")]
    public static partial void Dropped(ILogger logger, string reason, string transport);

    [LoggerMessage(1101, LogLevel.Debug, "Rejected a request over {Transport}: {Error}, answered {Status}")]
    public static partial void Rejected(ILogger logger, string error, int status, string transport);

    [LoggerMessage(1102, LogLevel.Debug, "Reply {Status} not sent: {Outcome}")]
    public static partial void ReplyNotSent(ILogger logger, int status, string outcome);
}
