using System.Collections.Concurrent;
using NatEdge.Proxy.Telemetry;

namespace NatEdge.Proxy.Storage;

/// <summary>
/// Runs requests of one kind (a subscriber lookup, a location write) as few database operations:
/// requests that arrive while an operation of this batcher is under way wait for it to end and then
/// go out together, up to <see cref="MaxBatch"/> at a time. A database answers a batch of indexed
/// lookups in about the time of one, and the proxy pays one pooled connection, one resilience
/// pipeline and one socket wake-up per batch instead of per SIP request. A request that finds the
/// batcher idle goes out at once, so a quiet proxy adds no waiting; a busy one trades a round trip
/// of waiting for far less work per request. One operation is under way at a time: under load the
/// batches grow instead of the connections.
/// </summary>
/// <typeparam name="TRequest">What one caller asks.</typeparam>
/// <typeparam name="TResult">What that caller gets back.</typeparam>
public sealed class OperationBatcher<TRequest, TResult>
{
    private readonly Func<IReadOnlyList<TRequest>, Task<TResult[]>> _run;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _running;

    /// <param name="run">
    /// Runs one batch and returns a result per request, in the order given. When it throws, every
    /// request of the batch fails with that exception.
    /// </param>
    /// <param name="maxBatch">Most requests in one operation (SQL statements and parameter lists stay bounded).</param>
    public OperationBatcher(Func<IReadOnlyList<TRequest>, Task<TResult[]>> run, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _run = run;
        MaxBatch = maxBatch;
    }

    public int MaxBatch { get; }

    /// <summary>
    /// Queues <paramref name="request"/>. Cancelling stops this caller's wait; the request may
    /// still run with its batch.
    /// </summary>
    public Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(request);
        _queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            _ = DrainAsync();
        }

        return cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task;
    }

    /// <summary>
    /// Runs batches until the queue is empty. The first batch goes out on the caller's thread;
    /// whoever finds the queue non-empty after this loop let go takes over.
    /// </summary>
    private async Task DrainAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var requests = new List<TRequest>(MaxBatch);
        do
        {
            while (TakeBatch(batch, requests))
            {
                await RunBatchAsync(batch, requests).ConfigureAwait(false);
            }

            Volatile.Write(ref _running, 0);
        }
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _running, 1, 0) == 0);
    }

    private bool TakeBatch(List<Pending> batch, List<TRequest> requests)
    {
        batch.Clear();
        requests.Clear();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var pending))
        {
            batch.Add(pending);
            requests.Add(pending.Request);
        }

        return batch.Count > 0;
    }

    private async Task RunBatchAsync(List<Pending> batch, List<TRequest> requests)
    {
        try
        {
            var results = await _run(requests).ConfigureAwait(false);
            if (results.Length != batch.Count)
            {
                throw new InvalidOperationException($"a batch of {batch.Count} requests returned {results.Length} results");
            }

            ProxyMetrics.DatabaseRequestsBatched(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
#pragma warning disable CA1031 // Whatever ended the batch is every caller's answer; the loop must go on for the next one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    /// <summary>
    /// Continuations run on the thread pool, not on the thread that completes the batch, so the
    /// callers' SIP work spreads over the workers while the next batch goes out.
    /// </summary>
    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
