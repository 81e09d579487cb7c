using System.Net;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// Where a message came from: the listener it arrived on, the remote address, and for stream
/// transports the connection. <see cref="Remote"/> belongs to the receive loop and is reused for
/// the next datagram: copy it (<see cref="CopyRemote"/>) before keeping it past the handler call.
/// </summary>
public readonly struct SipReceiveContext
{
    public SipReceiveContext(ISipListener listener, SocketAddress remote, TcpSipConnection? connection, ReceiveLoopState loop)
    {
        Listener = listener;
        Remote = remote;
        Connection = connection;
        Loop = loop;
    }

    /// <summary>The state of the receive loop this message came through, kept for its next message.</summary>
    public ReceiveLoopState Loop { get; }

    public ISipListener Listener { get; }

    public SocketAddress Remote { get; }

    /// <summary>The stream the message came on; null for datagrams.</summary>
    public TcpSipConnection? Connection { get; }

    public SipTransportKind Transport => Listener.Transport;

    public SocketAddress CopyRemote()
    {
        var copy = new SocketAddress(Remote.Family, Remote.Size);
        Remote.Buffer.Span.CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>The remote address as an endpoint; allocates, so only for the edges (logs, Via received=).</summary>
    public IPEndPoint RemoteEndPoint() => SocketAddressExtensions.ToIPEndPoint(Remote);
}
