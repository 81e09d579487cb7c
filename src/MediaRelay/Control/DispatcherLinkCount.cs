namespace NatEdge.MediaRelay.Control;

/// <summary>How many dispatcher links are up right now (the relay's <c>natedge_relay_dispatchers_connected</c>).</summary>
public sealed class DispatcherLinkCount
{
    private int _connected;

    public int Connected => Volatile.Read(ref _connected);

    internal void LinkUp() => Interlocked.Increment(ref _connected);

    internal void LinkDown() => Interlocked.Decrement(ref _connected);
}
