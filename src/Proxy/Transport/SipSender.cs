using System.Net;
using System.Net.Sockets;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// Picks the socket or connection a message leaves on. Datagrams leave from a UDP listener of the
/// destination's address family (the one the request came in on, when there is one, so the peer
/// sees the address it sent to). Stream messages reuse an open connection to the destination and
/// open one only when none exists.
/// </summary>
public sealed class SipSender
{
    private readonly IReadOnlyList<UdpSipListener> _udp;
    private readonly IReadOnlyList<TcpSipListener> _tcp;
    private readonly TcpConnectionTable _connections;

    public SipSender(IReadOnlyList<UdpSipListener> udp, IReadOnlyList<TcpSipListener> tcp, TcpConnectionTable connections)
    {
        _udp = udp;
        _tcp = tcp;
        _connections = connections;
    }

    /// <summary>
    /// Sends a response to the request described by <paramref name="origin"/>. Over a stream the
    /// response goes back over the connection the request came on while it is open (RFC 3261
    /// section 18.2.2); otherwise to <paramref name="destination"/>, the address the response
    /// rules (Via received/rport, RFC 3581 section 4) chose.
    /// </summary>
    public ValueTask<SendOutcome> SendResponseAsync(ReadOnlyMemory<byte> response, SipReceiveContext origin, SocketAddress destination, CancellationToken cancellationToken)
    {
        if (origin.Connection is { IsClosed: false } connection)
        {
            return ValueTask.FromResult(Sent(connection.TrySend(response.Span), response));
        }

        return SendAsync(response, origin.Transport, destination, origin.Listener, cancellationToken);
    }

    /// <summary>Sends a message (a request, or a response with no request context) to an address over a transport.</summary>
    public ValueTask<SendOutcome> SendAsync(ReadOnlyMemory<byte> message, SipTransportKind transport, SocketAddress destination, CancellationToken cancellationToken) =>
        SendAsync(message, transport, destination, preferred: null, cancellationToken);

    private ValueTask<SendOutcome> SendAsync(ReadOnlyMemory<byte> message, SipTransportKind transport, SocketAddress destination, ISipListener? preferred, CancellationToken cancellationToken) =>
        transport switch
        {
            SipTransportKind.Udp => SendDatagramAsync(message, destination, preferred as UdpSipListener, cancellationToken),
            SipTransportKind.Tcp => SendOverStreamAsync(message, destination, preferred as TcpSipListener, cancellationToken),
            _ => ValueTask.FromResult(SendOutcome.NoListener),
        };

    private async ValueTask<SendOutcome> SendDatagramAsync(ReadOnlyMemory<byte> message, SocketAddress destination, UdpSipListener? preferred, CancellationToken cancellationToken)
    {
        var listener = preferred is not null && preferred.AddressFamily == destination.Family ? preferred : FindUdp(destination.Family);
        if (listener is null)
        {
            return SendOutcome.NoListener;
        }

        return Sent(await listener.SendAsync(message, destination, cancellationToken).ConfigureAwait(false), message);
    }

    private async ValueTask<SendOutcome> SendOverStreamAsync(ReadOnlyMemory<byte> message, SocketAddress destination, TcpSipListener? preferred, CancellationToken cancellationToken)
    {
        if (!_connections.TryGet(destination, out var connection))
        {
            var listener = preferred is not null && preferred.AddressFamily == destination.Family ? preferred : FindTcp(destination.Family);
            if (listener is null)
            {
                return SendOutcome.NoListener;
            }

            var opened = await listener.ConnectAsync(destination, cancellationToken).ConfigureAwait(false);
            if (opened is null)
            {
                return SendOutcome.ConnectionFailed;
            }

            connection = opened;
        }

        return Sent(connection.TrySend(message.Span), message);
    }

    /// <summary>The outcome of a send; a response that left is counted by its status class.</summary>
    private static SendOutcome Sent(bool sent, ReadOnlyMemory<byte> message)
    {
        if (!sent)
        {
            return SendOutcome.Failed;
        }

        Telemetry.ProxyMetrics.MessageSent(message.Span);
        return SendOutcome.Sent;
    }

    private UdpSipListener? FindUdp(AddressFamily family)
    {
        foreach (var listener in _udp)
        {
            if (listener.AddressFamily == family)
            {
                return listener;
            }
        }

        return null;
    }

    private TcpSipListener? FindTcp(AddressFamily family)
    {
        foreach (var listener in _tcp)
        {
            if (listener.AddressFamily == family)
            {
                return listener;
            }
        }

        return null;
    }
}
