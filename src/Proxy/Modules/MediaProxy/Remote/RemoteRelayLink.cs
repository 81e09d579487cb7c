using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Text;
using Microsoft.Extensions.Logging;
using NatEdge.Shared.Control;
using Polly;
using Polly.Timeout;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// One relay's TLS connection to the dispatcher (mediaproxy-protocol.md section 3): requests carry a
/// per-connection sequence number, so many can be in flight and each reply (<c>&lt;seq&gt; payload</c>)
/// finds its request whatever the order; unsolicited <c>ping</c> is answered <c>pong</c> and
/// <c>expired</c> is handed to the dispatcher. A Polly timeout bounds every request. Thread-safe.
/// </summary>
internal sealed class RemoteRelayLink : IDisposable, IRelayCandidate
{
    /// <summary>The dispatcher's longest accepted line (spec §3.1).</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    private static readonly byte[] PongLine = "pong\r\n"u8.ToArray();

    private readonly SslStream _stream;
    private readonly RelayDispatcherOptions _options;
    private readonly ILogger _logger;
    private readonly Action<RemoteRelayLink, string> _onExpired;
    private readonly ResiliencePipeline _timeout;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ControlReply>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private long _nextSequence = -1;
    private long _lastPing;
    private long _unansweredSince;
    private volatile bool _halting;
    private volatile bool _timedOut;
    private int _closedFlag;

    public RemoteRelayLink(string name, string remoteAddress, string remote, SslStream stream, RelayDispatcherOptions options, ILogger logger, Action<RemoteRelayLink, string> onExpired)
    {
        Name = name;
        RemoteAddress = remoteAddress;
        Remote = remote;
        _stream = stream;
        _options = options;
        _logger = logger;
        _onExpired = onExpired;
        _lastPing = options.Time.GetTimestamp();
        _timeout = new ResiliencePipelineBuilder { TimeProvider = options.Time }.AddTimeout(options.RelayTimeout).Build();
    }

    /// <summary>The relay's certificate subject: a relay that reconnects is known by it.</summary>
    public string Name { get; }

    /// <summary>The relay's IP address as text, which a <c>media_relay</c> preference names.</summary>
    public string RemoteAddress { get; }

    /// <summary>Address and port, for logs.</summary>
    public string Remote { get; }

    public int InFlight => _pending.Count;

    /// <summary>The relay's share of new sessions, from its <c>summary</c> (NatEdge); 1 until it has answered.</summary>
    public int Weight { get; set; } = 1;

    private bool IsClosed => Volatile.Read(ref _closedFlag) == 1;

    public RemoteRelayState State =>
        IsClosed ? RemoteRelayState.Disconnected
        : _halting ? RemoteRelayState.Halting
        : _timedOut || _options.Time.GetElapsedTime(Interlocked.Read(ref _lastPing)) > _options.PingTimeout ? RemoteRelayState.TimedOut
        : RemoteRelayState.Active;

    /// <summary>
    /// How long the relay has been timed out at <paramref name="now"/>: since its first unanswered request or
    /// since its pings became overdue, whichever came first; zero while it is active. A ping ends it.
    /// </summary>
    public TimeSpan TimedOutFor(long now)
    {
        var overdue = _options.Time.GetElapsedTime(Interlocked.Read(ref _lastPing), now) - _options.PingTimeout;
        var unanswered = _timedOut ? _options.Time.GetElapsedTime(Interlocked.Read(ref _unansweredSince), now) : TimeSpan.Zero;
        var longest = overdue > unanswered ? overdue : unanswered;
        return longest > TimeSpan.Zero ? longest : TimeSpan.Zero;
    }

    /// <summary>Reads the relay's lines until the connection ends; returns why it ended. Closes the link.</summary>
    public async Task<string> RunAsync()
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    await OnLineAsync(line).ConfigureAwait(false);
                }

                if (buffer.Length > MaxLineBytes)
                {
                    return $"a line longer than {MaxLineBytes} bytes";
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return "the relay closed the connection";
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "closed by the dispatcher";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return e.Message;
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            Close();
        }
    }

    /// <summary>Sends one request numbered for this link and waits for its reply, at most the relay timeout.</summary>
    public async ValueTask<RelayCallResult> SendAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            return Failed(RelayCallStatus.Unreachable, request, "not connected");
        }

        var sequence = Interlocked.Increment(ref _nextSequence);
        var encoded = new ArrayBufferWriter<byte>(512);
        if (ControlRequestWriter.Write(request.WithSequence(sequence), encoded) != ControlProtocolError.None)
        {
            return new RelayCallResult(RelayCallStatus.InvalidRequest, null);
        }

        var reply = new TaskCompletionSource<ControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[sequence] = reply;
        try
        {
            var answer = await _timeout.ExecuteAsync(
                static async (state, token) =>
                {
                    await state.Link.WriteAsync(state.Bytes, token).ConfigureAwait(false);
                    return await state.Reply.Task.WaitAsync(token).ConfigureAwait(false);
                },
                (Link: this, Bytes: encoded.WrittenMemory, Reply: reply),
                cancellationToken).ConfigureAwait(false);
            if (answer.Kind == ControlReplyKind.Halting && !_halting)
            {
                _halting = true;
                DispatcherLog.Halting(_logger, Name);
            }

            return new RelayCallResult(RelayCallStatus.Answered, answer);
        }
        catch (TimeoutRejectedException)
        {
            if (!_timedOut)
            {
                Interlocked.Exchange(ref _unansweredSince, _options.Time.GetTimestamp());
                _timedOut = true;
            }

            DispatcherLog.TimedOut(_logger, Name, ControlRequestWriter.CommandToken(request.Command), _options.RelayTimeout.TotalMilliseconds);
            return Failed(RelayCallStatus.TimedOut, request, $"no answer within {_options.RelayTimeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            return Failed(RelayCallStatus.Unreachable, request, e.Message);
        }
        finally
        {
            _pending.TryRemove(sequence, out _);
        }
    }

    /// <summary>Ends the connection; requests in flight fail at once.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closedFlag, 1) == 1)
        {
            return;
        }

        _closing.Cancel();
        _stream.Dispose();
        foreach (var (_, pending) in _pending)
        {
            pending.TrySetException(new IOException($"relay {Name} disconnected"));
        }
    }

    /// <summary>Closes the link and frees its gate; called once its read loop has ended.</summary>
    public void Dispose()
    {
        Close();
        _closing.Dispose();
        _writeGate.Dispose();
    }

    private RelayCallResult Failed(RelayCallStatus status, ControlRequest request, string why) =>
        new(status, null, $"relay {Name} at {Remote}: {ControlRequestWriter.CommandToken(request.Command)} {status}: {why}; {InFlight} requests in flight");

    private async ValueTask OnLineAsync(string line)
    {
        var reply = ControlReplyReader.Parse(line, withSequence: true);
        switch (reply.Kind)
        {
            case ControlReplyKind.Ping:
                Interlocked.Exchange(ref _lastPing, _options.Time.GetTimestamp());
                _timedOut = false;
                await WriteAsync(PongLine, _closing.Token).ConfigureAwait(false);
                return;
            case ControlReplyKind.Expired:
                _onExpired(this, reply.Json!);
                return;
            case ControlReplyKind.Pong:
                return;
            default:
                // An unnumbered or unknown line answers nothing; a late reply finds its request gone.
                if (reply.Sequence is { } sequence && _pending.TryGetValue(sequence, out var pending))
                {
                    pending.TrySetResult(reply);
                }

                return;
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A TLS record cut short leaves the stream unusable for every later request.
            Close();
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n"u8, advancePastDelimiter: true))
        {
            line = string.Empty;
            return false;
        }

        line = Encoding.UTF8.GetString(bytes);
        buffer = buffer.Slice(reader.Position);
        return true;
    }
}
