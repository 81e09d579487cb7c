namespace NatEdge.Proxy.Transport;

/// <summary>
/// A slot each receive loop owns (one per UDP receive loop, one per TCP connection) in which the
/// message handler keeps whatever it reuses from one message to the next (the route script's
/// worker). A loop hands the handler one message at a time and waits for it, so what is stored
/// here is never used by two messages at once and needs no lock.
/// </summary>
public sealed class ReceiveLoopState
{
    public object? HandlerState { get; set; }
}
