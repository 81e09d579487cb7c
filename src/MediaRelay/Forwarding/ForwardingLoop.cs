using System.Net;
using System.Net.Sockets;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// The receive loop of one relay socket: receive into a pooled buffer the loop owns, with one reused
/// <see cref="SocketAddress"/>, then hand the packet to <see cref="RelayEndpoint.OnPacket"/>.
/// The loop ends when the socket is closed. Nothing here allocates per packet.
/// </summary>
internal static class ForwardingLoop
{
    public static Task Start(RelayEndpoint endpoint) => Task.Run(() => RunAsync(endpoint));

    private static async Task RunAsync(RelayEndpoint endpoint)
    {
        var buffer = ReceiveBufferPool.Rent();
        var source = new SocketAddress(endpoint.Socket.AddressFamily);
        var memory = buffer.AsMemory();
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await endpoint.Socket.ReceiveFromAsync(memory, SocketFlags.None, source).ConfigureAwait(false);
                }
                catch (SocketException e) when (IsTransient(e.SocketErrorCode))
                {
                    continue;
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                endpoint.OnPacket(buffer.AsSpan(0, received), source);
            }
        }
        finally
        {
            ReceiveBufferPool.Return(buffer);
        }
    }

    /// <summary>ICMP errors reported for an earlier send, or a packet larger than the buffer: keep receiving.</summary>
    private static bool IsTransient(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize
            or SocketError.HostUnreachable or SocketError.NetworkUnreachable;
}
