namespace NatEdge.Shared.Control;

/// <summary>
/// Why a control request could not be served. Every reason is answered with the single line
/// <c>error</c> on the wire (spec §1.6); the reason itself goes to logs and metrics.
/// </summary>
public enum ControlProtocolError
{
    None,
    RequestTooLarge,
    EmptyRequest,
    UnknownCommand,
    MalformedCommandLine,
    MalformedHeader,
    MissingCallId,
    MissingMandatoryHeader,
    InvalidCSeq,
    InvalidType,
    InvalidMedia,
    InvalidValue,
    UnknownSession,
    PortsExhausted,
    MediaTypeMismatch,
    NoMediaForNewSession,
    ShuttingDown,
    InternalError,
}

/// <summary>The one place where error reasons meet the wire and the logs.</summary>
public static class ControlProtocolErrors
{
    /// <summary>The reply text for every error reason (a module only knows <c>error</c>, spec §1.6).</summary>
    public const string ReplyText = "error";

    public static string Describe(ControlProtocolError error) => error switch
    {
        ControlProtocolError.None => "no error",
        ControlProtocolError.RequestTooLarge => "request larger than the protocol limit",
        ControlProtocolError.EmptyRequest => "request without a command line",
        ControlProtocolError.UnknownCommand => "unknown command",
        ControlProtocolError.MalformedCommandLine => "command line is not 'command [sequence]'",
        ControlProtocolError.MalformedHeader => "header line without ': ' separator",
        ControlProtocolError.MissingCallId => "request without call_id",
        ControlProtocolError.MissingMandatoryHeader => "a mandatory header is missing",
        ControlProtocolError.InvalidCSeq => "cseq is not a decimal integer",
        ControlProtocolError.InvalidType => "type is neither 'request' nor 'reply'",
        ControlProtocolError.InvalidMedia => "media header does not follow type:ip:port:direction[:key=value]",
        ControlProtocolError.InvalidValue => "header value contains a line break",
        ControlProtocolError.UnknownSession => "no such session",
        ControlProtocolError.PortsExhausted => "relay port range exhausted",
        ControlProtocolError.MediaTypeMismatch => "answer media type differs from the offer",
        ControlProtocolError.NoMediaForNewSession => "update without media for an unknown session",
        ControlProtocolError.ShuttingDown => "relay is shutting down",
        ControlProtocolError.InternalError => "internal error",
        _ => "unknown reason",
    };
}
