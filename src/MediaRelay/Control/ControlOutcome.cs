namespace NatEdge.MediaRelay.Control;

/// <summary>How a control request was answered.</summary>
internal enum ControlOutcome
{
    Ok,
    Error,
    /// <summary>Refused with <c>halting</c> while the relay shuts down.</summary>
    Refused,
}
