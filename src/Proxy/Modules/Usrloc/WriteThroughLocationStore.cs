using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// db_mode 1: reads come from memory; every change is written to the database before it is
/// applied in memory, so a failed write (database down) leaves both unchanged and the caller
/// answers 500. Loaded from the database at start (<see cref="LocationStores.CreateAsync"/>).
/// Registrations that change while another's write is under way are written together in one
/// transaction (<see cref="OperationBatcher{TRequest, TResult}"/>): under load the database commits
/// once per batch instead of once per REGISTER. Each caller still waits for its own row.
/// </summary>
public sealed class WriteThroughLocationStore : ILocationStore
{
    /// <summary>Bounds a transaction's statements (and the rows it locks) under a backlog.</summary>
    private const int MaxWritesPerTransaction = 64;

    private readonly LocationTable _table = new();
    private readonly LocationRepository _repository;
    private readonly TimeProvider _time;
    private readonly AorLocks _locks = new();
    private readonly PeriodicWork _sweeper;
    private readonly OperationBatcher<LocationWrite, bool> _writes;

    internal WriteThroughLocationStore(LocationRepository repository, TimeProvider time, TimeSpan timerInterval, IEnumerable<ContactBinding> loaded)
    {
        _repository = repository;
        _time = time;
        _table.Load(loaded);
        _writes = new OperationBatcher<LocationWrite, bool>(
            async writes =>
            {
                await repository.ApplyWritesAsync(writes).ConfigureAwait(false);
                return new bool[writes.Count];
            },
            MaxWritesPerTransaction);
        _sweeper = new PeriodicWork(time, timerInterval, async token => await ExpireAsync(token).ConfigureAwait(false));
    }

    public UsrlocDbMode Mode => UsrlocDbMode.WriteThrough;

    public PeriodicWork Timer => _sweeper;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Get(aor, Now));

    public ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Snapshot(Now));

    public async ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        using var held = await _locks.AcquireAsync(binding.Aor, cancellationToken).ConfigureAwait(false);
        var now = Now;
        var outcome = _table.Decide(binding, now);
        LocationWriteKind? kind = outcome switch
        {
            PutOutcome.Inserted => LocationWriteKind.Insert,
            PutOutcome.Updated => LocationWriteKind.Update,
            PutOutcome.Removed => LocationWriteKind.Delete,
            _ => null,
        };
        if (kind is null)
        {
            return outcome;
        }

        await _writes.RunAsync(new LocationWrite(binding, kind.Value), cancellationToken).ConfigureAwait(false);

        return _table.Put(binding, now);
    }

    public async ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default)
    {
        using var held = await _locks.AcquireAsync(aor, cancellationToken).ConfigureAwait(false);
        var deleted = await _repository.DeleteAsync(aor, contact, cancellationToken).ConfigureAwait(false);
        return _table.Remove(aor, contact) || deleted;
    }

    public async ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default)
    {
        using var held = await _locks.AcquireAsync(aor, cancellationToken).ConfigureAwait(false);
        var deleted = await _repository.DeleteAorAsync(aor, cancellationToken).ConfigureAwait(false);
        return Math.Max(_table.RemoveAll(aor).Length, deleted);
    }

    public async ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var now = Now;
        var expired = _table.Expire(now).Count;
        await _repository.DeleteExpiredAsync(now, cancellationToken).ConfigureAwait(false);
        return expired;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        _locks.Dispose();
    }
}
