namespace NatEdge.Proxy.Transport;

/// <summary>
/// A slot each receive loop owns (one per UDP receive loop, one per TCP connection) in which the
/// message handler keeps whatever it reuses from one message to the next (the route script's
/// worker). A state serves one message at a time (a UDP message that has to wait keeps its state
/// and the loop takes a spare one), so what is stored here is never used by two messages at once
/// and needs no lock.
/// </summary>
public sealed class ReceiveLoopState
{
    public object? HandlerState { get; set; }
}
