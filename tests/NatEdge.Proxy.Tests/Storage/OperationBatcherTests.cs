using NatEdge.Proxy.Storage;

namespace NatEdge.Proxy.Tests.Storage;

public sealed class OperationBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_request_that_finds_the_batcher_idle_goes_out_at_once_alone()
    {
        var batches = new List<int[]>();
        var batcher = new OperationBatcher<int, string>(
            requests =>
            {
                batches.Add([.. requests]);
                return Task.FromResult(requests.Select(r => $"r{r}").ToArray());
            },
            maxBatch: 8);

        (await batcher.RunAsync(1)).ShouldBe("r1");
        (await batcher.RunAsync(2)).ShouldBe("r2");

        batches.ShouldBe([[1], [2]]);
    }

    [Fact]
    public async Task Requests_arriving_while_a_batch_is_under_way_go_out_together_next_each_with_its_own_result()
    {
        using var gate = new Gate();
        var batcher = new OperationBatcher<int, string>(gate.RunAsync, maxBatch: 8);

        var first = batcher.RunAsync(0);
        await gate.WaitForBatchesAsync(1);
        var waiting = Enumerable.Range(1, 5).Select(i => batcher.RunAsync(i)).ToArray();
        gate.ReleaseOne();
        await gate.WaitForBatchesAsync(2);
        gate.ReleaseOne();

        (await first.WaitAsync(Patience)).ShouldBe("r0");
        (await Task.WhenAll(waiting).WaitAsync(Patience)).ShouldBe(["r1", "r2", "r3", "r4", "r5"]);
        gate.Batches.ShouldBe([[0], [1, 2, 3, 4, 5]]);
    }

    [Fact]
    public async Task A_backlog_goes_out_in_batches_of_at_most_the_maximum_in_arrival_order()
    {
        using var gate = new Gate();
        var batcher = new OperationBatcher<int, string>(gate.RunAsync, maxBatch: 64);

        var first = batcher.RunAsync(0);
        await gate.WaitForBatchesAsync(1);
        var backlog = Enumerable.Range(1, 150).Select(i => batcher.RunAsync(i)).ToArray();
        for (var batches = 1; batches <= 4; batches++)
        {
            await gate.WaitForBatchesAsync(batches);
            gate.ReleaseOne();
        }

        await Task.WhenAll(backlog.Append(first)).WaitAsync(Patience);
        gate.Batches.Select(batch => batch.Length).ShouldBe([1, 64, 64, 22]);
        gate.Batches.SelectMany(batch => batch).ShouldBe(Enumerable.Range(0, 151));
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_callers_and_the_next_batch_still_runs()
    {
        var calls = 0;
        var batcher = new OperationBatcher<int, string>(
            requests => Interlocked.Increment(ref calls) == 1
                ? Task.FromException<string[]>(new StorageUnavailableException("database unreachable"))
                : Task.FromResult(requests.Select(r => $"r{r}").ToArray()),
            maxBatch: 8);

        await Should.ThrowAsync<StorageUnavailableException>(() => batcher.RunAsync(1));
        (await batcher.RunAsync(2)).ShouldBe("r2");
    }

    [Fact]
    public async Task A_batch_answering_the_wrong_number_of_results_fails_its_callers()
    {
        var batcher = new OperationBatcher<int, string>(_ => Task.FromResult(Array.Empty<string>()), maxBatch: 8);

        await Should.ThrowAsync<InvalidOperationException>(() => batcher.RunAsync(1));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_leaves_the_others_their_answers()
    {
        using var gate = new Gate();
        var batcher = new OperationBatcher<int, string>(gate.RunAsync, maxBatch: 8);
        var first = batcher.RunAsync(0);
        await gate.WaitForBatchesAsync(1);
        using var impatience = new CancellationTokenSource();
        var impatient = batcher.RunAsync(1, impatience.Token);
        var patient = batcher.RunAsync(2);

        await impatience.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => impatient);
        gate.ReleaseOne();
        await gate.WaitForBatchesAsync(2);
        gate.ReleaseOne();

        (await patient.WaitAsync(Patience)).ShouldBe("r2");
        (await first.WaitAsync(Patience)).ShouldBe("r0");
    }

    /// <summary>Holds each batch until the test lets it finish, recording what each batch asked.</summary>
    private sealed class Gate : IDisposable
    {
        private readonly SemaphoreSlim _releases = new(0);
        private readonly List<int[]> _batches = [];

        public IReadOnlyList<int[]> Batches
        {
            get
            {
                lock (_batches)
                {
                    return [.. _batches];
                }
            }
        }

        public async Task<string[]> RunAsync(IReadOnlyList<int> requests)
        {
            lock (_batches)
            {
                _batches.Add([.. requests]);
            }

            await _releases.WaitAsync(Patience);
            return [.. requests.Select(r => $"r{r}")];
        }

        public void ReleaseOne() => _releases.Release();

        public void Dispose() => _releases.Dispose();

        public async Task WaitForBatchesAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Batches.Count < count)
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, $"batch {count} never started");
                await Task.Delay(5);
            }
        }
    }
}
