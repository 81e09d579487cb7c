using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>Log events of dialogs the proxy ends itself, ids 1500-1519.</summary>
internal static partial class DialogLog
{
    [LoggerMessage(1500, LogLevel.Warning, "Ending dialog {DialogId} (Call-ID {CallId}): {Reason}; sending BYE to both parties")]
    public static partial void Ending(ILogger logger, string dialogId, string callId, string reason);

    [LoggerMessage(1501, LogLevel.Information, "BYE for Call-ID {CallId} sent to {RequestUri} via {NextHop} (CSeq {CSeq})")]
    public static partial void ByeSent(ILogger logger, string callId, string requestUri, string nextHop, long cseq);

    [LoggerMessage(1502, LogLevel.Warning, "BYE for Call-ID {CallId} to {RequestUri} not sent: {Reason}")]
    public static partial void ByeNotSent(ILogger logger, string callId, string requestUri, string reason);

    [LoggerMessage(1503, LogLevel.Information, "BYE for Call-ID {CallId} to {RequestUri} answered {Status}")]
    public static partial void ByeAnswered(ILogger logger, string callId, string requestUri, int status);

    [LoggerMessage(1504, LogLevel.Warning, "BYE for Call-ID {CallId} to {RequestUri} got no final answer ({End})")]
    public static partial void ByeUnanswered(ILogger logger, string callId, string requestUri, string end);

    [LoggerMessage(1505, LogLevel.Information, "Dialog {DialogId} (Call-ID {CallId}) is not confirmed; it is forgotten without a BYE")]
    public static partial void NotConfirmed(ILogger logger, string dialogId, string callId);
}
