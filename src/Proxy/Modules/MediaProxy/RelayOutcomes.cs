using NatEdge.Proxy.Telemetry;
using NatEdge.Shared.Control;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>The metrics and trace label of a relay request's result.</summary>
internal static class RelayOutcomes
{
    public static RelayRequestOutcome Of(in RelayCallResult result) => result.Status switch
    {
        RelayCallStatus.Answered when result.Reply is { Kind: ControlReplyKind.Error or ControlReplyKind.Halting } => RelayRequestOutcome.Refused,
        RelayCallStatus.Answered => RelayRequestOutcome.Answered,
        RelayCallStatus.Unreachable => RelayRequestOutcome.Unreachable,
        RelayCallStatus.TimedOut => RelayRequestOutcome.TimedOut,
        RelayCallStatus.CircuitOpen => RelayRequestOutcome.CircuitOpen,
        RelayCallStatus.InvalidRequest => RelayRequestOutcome.InvalidRequest,
        _ => RelayRequestOutcome.ProtocolViolation,
    };
}
