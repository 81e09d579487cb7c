using NatEdge.Shared.Control;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>How a request to the relay ended. Only <see cref="Answered"/> carries a reply line.</summary>
public enum RelayCallStatus
{
    /// <summary>The relay answered one line (which may itself say <c>error</c>).</summary>
    Answered,
    /// <summary>No relay listens on the socket, or the connection broke.</summary>
    Unreachable,
    /// <summary>No answer within <see cref="MediaRelayClientOptions.Timeout"/>; the connection was closed.</summary>
    TimedOut,
    /// <summary>Recent requests failed, so the client does not try the relay until the break ends.</summary>
    CircuitOpen,
    /// <summary>The request could not be encoded (a value with a line break, or over 8192 bytes).</summary>
    InvalidRequest,
    /// <summary>The relay sent bytes that are not one reply line.</summary>
    ProtocolViolation,
}

/// <summary>
/// The outcome of one request: its status and, when answered, the decoded reply. A failure carries
/// <see cref="Detail"/>: the relay socket and the pool's state when it happened, for the log.
/// </summary>
public readonly record struct RelayCallResult(RelayCallStatus Status, ControlReply? Reply, string? Detail = null)
{
    public bool IsAnswered => Status == RelayCallStatus.Answered;

    /// <summary>The relay answered with an address and ports (spec §1.5: anything else is a failure).</summary>
    public bool IsMedia => Reply is { Kind: ControlReplyKind.Media };
}
