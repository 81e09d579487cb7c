using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using NatEdge.Proxy.Telemetry;
using NatEdge.Shared.Control;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// The proxy's client of one relay's control socket (DESIGN.md, relay control client): a small pool
/// of persistent connections, one request in flight on each; a Polly pipeline with an attempt
/// timeout inside a circuit breaker. A connection whose request failed or timed out is closed, never
/// reused, so a late answer can never be read as the next request's. Callers await a ValueTask:
/// no thread waits on the relay. Thread-safe.
/// </summary>
public sealed class MediaRelayClient : IDisposable
{
    private readonly MediaRelayClientOptions _options;
    private readonly ResiliencePipeline<string> _pipeline;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<RelayConnection> _idle = new();
    private int _opened;
    private bool _disposed;

    public MediaRelayClient(MediaRelayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PoolSize, 1);
        _options = options;
        _slots = new SemaphoreSlim(options.PoolSize, options.PoolSize);
        _pipeline = BuildPipeline(options);
    }

    public MediaRelayClientOptions Options => _options;

    /// <summary>Connections opened so far (a closed connection is replaced by a new one).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _opened);

    /// <summary>Connections waiting for the next request.</summary>
    public int IdleConnections => _idle.Count;

    /// <summary>
    /// Sends the request to the remote relay that holds its call or is to take it, when the dispatcher
    /// routes it; otherwise encodes it as the module writes it (spec §1.2) and sends it on the socket.
    /// </summary>
    public ValueTask<RelayCallResult> SendAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_options.Dispatcher is not { } dispatcher)
        {
            return SendOnSocketAsync(request, cancellationToken);
        }

        return dispatcher.Routes(request) ? dispatcher.SendAsync(request, cancellationToken) : SendOnSocketBesideDispatcherAsync(dispatcher, request, cancellationToken);
    }

    /// <summary>A call the socket's relay took is noted, so that remote relays connecting later never take it over.</summary>
    private async ValueTask<RelayCallResult> SendOnSocketBesideDispatcherAsync(Remote.RelayDispatcher dispatcher, ControlRequest request, CancellationToken cancellationToken)
    {
        var result = await SendOnSocketAsync(request, cancellationToken).ConfigureAwait(false);
        dispatcher.NoteLocalCall(request, result);
        return result;
    }

    private ValueTask<RelayCallResult> SendOnSocketAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var encoded = new ArrayBufferWriter<byte>(512);
        if (ControlRequestWriter.Write(request, encoded) != ControlProtocolError.None)
        {
            return new ValueTask<RelayCallResult>(new RelayCallResult(RelayCallStatus.InvalidRequest, null));
        }

        return SendAsync(encoded.WrittenMemory, cancellationToken);
    }

    /// <summary>Sends an encoded request (command line, headers, blank line) and decodes the one-line answer.</summary>
    public async ValueTask<RelayCallResult> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var started = _options.Time.GetTimestamp();
        var trace = ProxyTracing.StartRelayRequest(_options.SocketPath);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Client.ExchangeAsync(state.Request, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<string>(exception);
                    }
                },
                context,
                (Client: this, Request: request)).ConfigureAwait(false);

            var result = outcome.Exception is { } failure
                ? Failed(Classify(failure), failure)
                : new RelayCallResult(RelayCallStatus.Answered, ControlReplyReader.Parse(outcome.Result!, withSequence: false));
            var labelled = RelayOutcomes.Of(result);
            ProxyMetrics.RelayRequested(labelled, _options.Time.GetElapsedTime(started));
            ProxyTracing.EndRelayRequest(trace, labelled);
            return result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var connection))
        {
            connection.Dispose();
        }
    }

    private static ResiliencePipeline<string> BuildPipeline(MediaRelayClientOptions options)
    {
        var transportFailure = new PredicateBuilder<string>()
            .Handle<SocketException>()
            .Handle<IOException>()
            .Handle<TimeoutRejectedException>()
            .Handle<RelayProtocolException>();

        // The breaker is outside the timeout, so a relay that hangs trips it as one that is down does.
        return new ResiliencePipelineBuilder<string> { TimeProvider = options.Time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<string>
            {
                ShouldHandle = transportFailure,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>Breadcrumbs of a failed request: where, what, and how busy the pool was.</summary>
    private RelayCallResult Failed(RelayCallStatus status, Exception failure)
    {
        var inFlight = _options.PoolSize - _slots.CurrentCount;
        var detail = $"relay {_options.SocketPath}: {status} after {_options.Timeout.TotalMilliseconds:0} ms at most " +
            $"({failure.GetType().Name}: {failure.Message}); {inFlight} of {_options.PoolSize} connections busy, {_idle.Count} idle, {ConnectionsOpened} opened so far";
        return new RelayCallResult(status, null, detail);
    }

    private static RelayCallStatus Classify(Exception failure) => failure switch
    {
        BrokenCircuitException => RelayCallStatus.CircuitOpen,
        TimeoutRejectedException or OperationCanceledException => RelayCallStatus.TimedOut,
        RelayProtocolException => RelayCallStatus.ProtocolViolation,
        _ => RelayCallStatus.Unreachable,
    };

    /// <summary>One attempt: a pooled connection (or a new one), the request, its line.</summary>
    private async ValueTask<string> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_idle.TryDequeue(out var pooled))
            {
                try
                {
                    return await ExchangeOnAsync(pooled, request, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The relay may have restarted since this connection was last used: the module
                    // reconnects once and sends the request again from the start (spec §1.1).
                }
            }

            var fresh = await RelayConnection.ConnectAsync(_options.SocketPath, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _opened);
            return await ExchangeOnAsync(fresh, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async ValueTask<string> ExchangeOnAsync(RelayConnection connection, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            var line = await connection.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
            _idle.Enqueue(connection);
            return line;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
