using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// One bound UDP socket and its receive loops (the script's <c>children=</c>). Each loop owns a
/// pooled buffer and a <see cref="SocketAddress"/> that it reuses for every datagram, so receiving
/// makes no IPEndPoint and no buffer per packet; the socket recycles its own awaitable event args.
/// A message whose handling has to wait (a database query, a relay's answer) keeps the buffer,
/// address and loop state it arrived with, and the loop receives on with a spare set: SER's
/// children each block on such a wait, so a slow database caps a proxy at <c>children</c>
/// REGISTERs in flight; here up to <see cref="MaxWaitingMessages"/> wait at once.
/// </summary>
public sealed class UdpSipListener : ISipListener, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ISipMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly int _receiveLoops;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;
    private readonly System.Collections.Concurrent.ConcurrentStack<LoopResources> _spare = new();
    private long _datagramsReceived;
    private long _bytesReceived;
    private int _waiting;
    private int _spareCount;

    /// <summary>Messages of one listener that may wait at once; past it a loop waits with its message (back-pressure).</summary>
    public const int MaxWaitingMessages = 256;

    private const int ReceiveBufferBytes = 1 << 20;

    private UdpSipListener(Socket socket, int receiveLoops, ISipMessageHandler handler, ILogger logger)
    {
        _socket = socket;
        _receiveLoops = receiveLoops;
        _handler = handler;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public SipTransportKind Transport => SipTransportKind.Udp;

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    /// <summary>Datagrams received since start; read at scrape time (<see cref="TransportMetrics"/>).</summary>
    public long DatagramsReceived => Interlocked.Read(ref _datagramsReceived);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>The socket's receive buffer as the kernel granted it (it reports twice the bytes asked for).</summary>
    public int ReceiveBufferSize => _socket.ReceiveBufferSize;

    /// <summary>
    /// Room for a burst while the loops catch up: a full buffer drops datagrams, and a dropped ACK to
    /// a 200 OK fails a call. SO_RCVBUF is capped at net.core.rmem_max (about 208 KB by default)
    /// without complaint; a proxy running with CAP_NET_ADMIN takes the whole size with
    /// SO_RCVBUFFORCE, as Kamailio's buffer probing aims to, and falls back to the capped size.
    /// </summary>
    private static void SetReceiveBuffer(Socket socket)
    {
        const int solSocket = 1;
        const int soRcvBufForce = 33;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(solSocket, soRcvBufForce, BitConverter.GetBytes(ReceiveBufferBytes));
                return;
            }
        }
        catch (SocketException)
        {
            // Not permitted: the capped size below is what an unprivileged proxy gets.
        }

        socket.ReceiveBufferSize = ReceiveBufferBytes;
    }

    /// <summary>Binds the socket; throws <see cref="SocketException"/> when the address cannot be had.</summary>
    public static UdpSipListener Bind(IPEndPoint endPoint, int receiveLoops, ISipMessageHandler handler, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(receiveLoops, 1);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // An IPv6 listen line means IPv6 only, as in SER; IPv4 has its own listen lines.
                socket.DualMode = false;
            }

            SetReceiveBuffer(socket);
            socket.Bind(endPoint);
            return new UdpSipListener(socket, receiveLoops, handler, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start()
    {
        TransportLog.Listening(_logger, "udp", LocalEndPoint);
        var loops = new Task[_receiveLoops];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(() => ReceiveLoopAsync(_stopping.Token));
        }

        _loops = Task.WhenAll(loops);
    }

    /// <summary>Sends one datagram from this socket; false when the OS refused it (the caller decides what that means).</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> datagram, SocketAddress destination, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e)
        {
            TransportLog.SendFailed(_logger, "udp", SocketAddressExtensions.ToIPEndPoint(destination), e.SocketErrorCode.ToString());
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken stopping)
    {
        var own = RentResources();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                int received;
                try
                {
                    // No token here: registering one costs an allocation per receive. Stopping
                    // disposes the socket, which ends the pending receive.
                    received = await _socket.ReceiveFromAsync(own.Buffer, SocketFlags.None, own.Remote, CancellationToken.None).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException e) when (IsTransient(e.SocketErrorCode))
                {
                    // ICMP errors for earlier sends surface on the next receive; they concern that send only.
                    TransportLog.UdpReceiveError(_logger, LocalEndPoint, e.SocketErrorCode.ToString());
                    continue;
                }

                Interlocked.Increment(ref _datagramsReceived);
                Interlocked.Add(ref _bytesReceived, received);

                // The common case, a handler that finishes at once, runs without an async state machine.
                var handled = Deliver(own.Buffer.AsMemory(0, received), own.Remote, own.Loop, stopping);
                if (handled.IsCompletedSuccessfully)
                {
                    continue;
                }

                if (Interlocked.Increment(ref _waiting) <= MaxWaitingMessages)
                {
                    _ = FinishWaitingAsync(handled, own, stopping);
                    own = RentResources();
                }
                else
                {
                    Interlocked.Decrement(ref _waiting);
                    await ObserveAsync(handled, own.Remote, stopping).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ReturnResources(own);
        }
    }

    private async Task FinishWaitingAsync(ValueTask handled, LoopResources resources, CancellationToken stopping)
    {
        try
        {
            await ObserveAsync(handled, resources.Remote, stopping).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            ReturnResources(resources);
        }
    }

    private LoopResources RentResources()
    {
        if (_spare.TryPop(out var spare))
        {
            Interlocked.Decrement(ref _spareCount);
            return spare;
        }

        return new LoopResources(ArrayPool<byte>.Shared.Rent(TransportLimits.UdpReceiveBufferBytes), new SocketAddress(AddressFamily), new ReceiveLoopState());
    }

    /// <summary>
    /// Kept for the next message that waits, up to what may wait at once; the rest go back to the
    /// pool. Counted apart: a ConcurrentStack counts by walking itself.
    /// </summary>
    private void ReturnResources(LoopResources resources)
    {
        if (Interlocked.Increment(ref _spareCount) <= MaxWaitingMessages)
        {
            _spare.Push(resources);
            return;
        }

        Interlocked.Decrement(ref _spareCount);
        ArrayPool<byte>.Shared.Return(resources.Buffer);
    }

    /// <summary>What one message in hand needs: the datagram's buffer, its source, the handler's reusable state.</summary>
    private sealed record LoopResources(byte[] Buffer, SocketAddress Remote, ReceiveLoopState Loop);

    private ValueTask Deliver(ReadOnlyMemory<byte> datagram, SocketAddress remote, ReceiveLoopState loop, CancellationToken stopping)
    {
        try
        {
            return _handler.HandleMessageAsync(datagram, new SipReceiveContext(this, remote, null, loop), stopping);
        }
#pragma warning disable CA1031 // One bad datagram must never end the receive loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TransportLog.HandlerFailed(_logger, e, "udp", SocketAddressExtensions.ToIPEndPoint(remote));
            return ValueTask.CompletedTask;
        }
    }

    private async ValueTask ObserveAsync(ValueTask handled, SocketAddress remote, CancellationToken stopping)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // One bad datagram must never end the receive loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TransportLog.HandlerFailed(_logger, e, "udp", SocketAddressExtensions.ToIPEndPoint(remote));
        }
    }

    private static bool IsTransient(SocketError error) => error is SocketError.ConnectionReset
        or SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
        or SocketError.MessageSize or SocketError.NoBufferSpaceAvailable;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loops.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
