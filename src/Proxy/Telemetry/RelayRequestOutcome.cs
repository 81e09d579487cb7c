namespace NatEdge.Proxy.Telemetry;

/// <summary>How a control request to a media relay ended, as the metrics and traces label it.</summary>
public enum RelayRequestOutcome
{
    /// <summary>The relay answered with what was asked (ports, removed, statistics).</summary>
    Answered,

    /// <summary>The relay answered <c>error</c> or <c>halting</c>.</summary>
    Refused,

    Unreachable,
    TimedOut,
    CircuitOpen,
    InvalidRequest,
    ProtocolViolation,
}
