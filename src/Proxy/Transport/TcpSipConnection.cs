using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// One TCP connection, accepted or opened by us. A receive loop reads the socket through a
/// PipeReader and cuts messages with <see cref="SipStreamFramer"/>; a send loop drains an output
/// pipe into the socket, so any thread may queue a message without waiting for the peer. There
/// is one shutdown path: <see cref="Abort"/> cancels both loops and the socket is closed once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The connection's run owns its lifetime: Close disposes the token source when both loops have ended.")]
public sealed class TcpSipConnection
{
    private static ReadOnlySpan<byte> KeepAlivePong => "\r\n"u8;

    private readonly Socket _socket;
    private readonly TcpSipListener _listener;
    private readonly TcpConnectionTable _table;
    private readonly ISipMessageHandler _handler;
    private readonly SipStreamFramer _framer;
    private readonly ILogger _logger;
    private readonly Pipe _output = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Lock _writeLock = new();
    private readonly CancellationTokenSource _closing = new();
    private long _pendingSendBytes;
    private long _lastActivityTimestamp;
    private string _closeReason = "peer closed";
    private int _closed;

    internal TcpSipConnection(Socket socket, TcpSipListener listener, TcpConnectionTable table, ISipMessageHandler handler, ILogger logger)
    {
        _socket = socket;
        _listener = listener;
        _table = table;
        _handler = handler;
        _logger = logger;
        _framer = new SipStreamFramer(table.Limits.MaxMessageBytes);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        RemoteAddress = RemoteEndPoint.Serialize();
        _lastActivityTimestamp = table.TimeProvider.GetTimestamp();
    }

    /// <summary>The peer's address; this instance is the connection table key and is never mutated.</summary>
    public SocketAddress RemoteAddress { get; }

    private readonly ReceiveLoopState _loop = new();

    public IPEndPoint RemoteEndPoint { get; }

    public ISipListener Listener => _listener;

    public bool IsClosed => Volatile.Read(ref _closed) != 0 || _closing.IsCancellationRequested;

    internal long LastActivityTimestamp => Volatile.Read(ref _lastActivityTimestamp);

    /// <summary>
    /// Queues a message for the peer. False when the connection is closed or the peer has left too
    /// much unread (the connection is then dropped: a stuck peer must not hold our memory).
    /// </summary>
    public bool TrySend(ReadOnlySpan<byte> message)
    {
        lock (_writeLock)
        {
            if (IsClosed)
            {
                return false;
            }

            if (Interlocked.Read(ref _pendingSendBytes) + message.Length > _table.Limits.MaxTcpPendingSendBytes)
            {
                Abort("peer not reading");
                return false;
            }

            Interlocked.Add(ref _pendingSendBytes, message.Length);
            _output.Writer.Write(message);

            // The output pipe never pauses its writer, so this flush completes at once.
            var flush = _output.Writer.FlushAsync();
            if (flush.IsCompleted)
            {
                flush.GetAwaiter().GetResult();
            }
            else
            {
                _ = flush.AsTask();
            }
        }

        return true;
    }

    public void Abort(string reason)
    {
        lock (_writeLock)
        {
            if (_closing.IsCancellationRequested)
            {
                return;
            }

            _closeReason = reason;
            _closing.Cancel();
        }
    }

    /// <summary>Runs both loops until either ends, then closes the socket and leaves the table.</summary>
    internal async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closing.Token);
        var token = linked.Token;
        var sending = SendLoopAsync(token);
        var receiving = ReceiveLoopAsync(token);
        await Task.WhenAny(sending, receiving).ConfigureAwait(false);
        Abort(_closeReason);
        _socket.Dispose();
        await Task.WhenAll(sending, receiving).ConfigureAwait(false);
        Close();
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        lock (_writeLock)
        {
            _output.Writer.Complete();
        }

        _output.Reader.Complete();
        _table.Remove(this);
        _closing.Dispose();
        TransportLog.ConnectionClosed(_logger, RemoteEndPoint, _closeReason);
    }

    private async Task ReceiveLoopAsync(CancellationToken token)
    {
        await using var stream = new NetworkStream(_socket, ownsSocket: false);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        try
        {
            while (!token.IsCancellationRequested)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivityTimestamp, _table.TimeProvider.GetTimestamp());
                var buffer = result.Buffer;
                var keepReading = await ProcessFramesAsync(buffer, token).ConfigureAwait(false);
                input.AdvanceTo(keepReading.Consumed, buffer.End);
                if (!keepReading.Continue)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    _closeReason = "peer closed";
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            _closeReason = e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
        }
        catch (SocketException e)
        {
            _closeReason = e.SocketErrorCode.ToString();
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private readonly record struct FrameProgress(SequencePosition Consumed, bool Continue);

    private async ValueTask<FrameProgress> ProcessFramesAsync(ReadOnlySequence<byte> buffer, CancellationToken token)
    {
        while (true)
        {
            var frame = _framer.Read(buffer);
            switch (frame.Status)
            {
                case StreamFrameStatus.Incomplete:
                    return new FrameProgress(frame.Consumed, true);
                case StreamFrameStatus.KeepAlivePing:
                    TrySend(KeepAlivePong);
                    buffer = buffer.Slice(frame.Consumed);
                    break;
                case StreamFrameStatus.Message:
                    await DeliverAsync(frame.Bytes, token).ConfigureAwait(false);
                    buffer = buffer.Slice(frame.Consumed);
                    break;
                default:
                    TransportLog.FramingError(_logger, RemoteEndPoint, frame.Error.ToString());
                    _table.CountFramingError();
                    await ReportFramingErrorAsync(frame, token).ConfigureAwait(false);
                    _closeReason = frame.Error.ToString();
                    return new FrameProgress(buffer.End, false);
            }
        }
    }

    private async ValueTask DeliverAsync(ReadOnlySequence<byte> message, CancellationToken token)
    {
        var context = new SipReceiveContext(_listener, RemoteAddress, this, _loop);
        if (message.IsSingleSegment)
        {
            await InvokeHandlerAsync(message.First, context, token).ConfigureAwait(false);
            return;
        }

        var length = (int)message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.CopyTo(rented);
            await InvokeHandlerAsync(rented.AsMemory(0, length), context, token).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async ValueTask InvokeHandlerAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken token)
    {
        try
        {
            await _handler.HandleMessageAsync(message, context, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One bad message must never end the connection's loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TransportLog.HandlerFailed(_logger, e, "tcp", RemoteEndPoint);
        }
    }

    private async ValueTask ReportFramingErrorAsync(StreamFrame frame, CancellationToken token)
    {
        var header = frame.Bytes.IsEmpty ? ReadOnlyMemory<byte>.Empty : frame.Bytes.ToArray();
        try
        {
            await _handler.HandleFramingErrorAsync(frame.Error, header, new SipReceiveContext(_listener, RemoteAddress, this, _loop), token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The connection is closed either way.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TransportLog.HandlerFailed(_logger, e, "tcp", RemoteEndPoint);
        }

        // Let the reply leave before the socket closes.
        await WaitForPendingSendsAsync(token).ConfigureAwait(false);
    }

    private async ValueTask WaitForPendingSendsAsync(CancellationToken token)
    {
        for (var i = 0; i < 50 && Interlocked.Read(ref _pendingSendBytes) > 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _table.TimeProvider, token).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync(CancellationToken token)
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await _socket.SendAsync(segment, SocketFlags.None, token).ConfigureAwait(false);
                }

                Interlocked.Add(ref _pendingSendBytes, -buffer.Length);
                Volatile.Write(ref _lastActivityTimestamp, _table.TimeProvider.GetTimestamp());
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException e)
        {
            _closeReason = e.SocketErrorCode.ToString();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
