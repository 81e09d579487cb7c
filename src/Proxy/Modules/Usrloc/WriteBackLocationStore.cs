using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// db_mode 2: memory answers everything at once; changes collect in a pending set (last change
/// per binding wins) that the timer writes to the database every <c>timer_interval</c> in one
/// transaction, together with the deletion of expired rows. A failed flush keeps its changes
/// for the next one, unless newer changes replaced them. Loaded from the database at start.
/// </summary>
public sealed class WriteBackLocationStore : ILocationStore
{
    private readonly LocationTable _table = new();
    private readonly LocationRepository _repository;
    private readonly TimeProvider _time;
    private readonly PeriodicWork _flusher;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly object _pendingLock = new();

    /// <summary>Changes not yet written: a binding to upsert, or null for a row to delete.</summary>
    private Dictionary<(string Aor, string Contact), ContactBinding?> _pending = new(PendingKeyComparer.Instance);

    internal WriteBackLocationStore(LocationRepository repository, TimeProvider time, TimeSpan timerInterval, IEnumerable<ContactBinding> loaded)
    {
        _repository = repository;
        _time = time;
        _table.Load(loaded);
        _flusher = new PeriodicWork(time, timerInterval, async token =>
        {
            await ExpireAsync(token).ConfigureAwait(false);
            await FlushAsync(token).ConfigureAwait(false);
        });
    }

    public UsrlocDbMode Mode => UsrlocDbMode.WriteBack;

    public PeriodicWork Timer => _flusher;

    public int PendingCount
    {
        get
        {
            lock (_pendingLock)
            {
                return _pending.Count;
            }
        }
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Get(aor, Now));

    public ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Snapshot(Now));

    public ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        // The table change and its pending record happen under one lock, so the pending set
        // always holds the latest state of a binding even when two updates of it race.
        lock (_pendingLock)
        {
            var outcome = _table.Put(binding, Now);
            if (outcome is PutOutcome.Inserted or PutOutcome.Updated)
            {
                _pending[(binding.Aor, binding.Contact)] = binding;
            }
            else if (outcome == PutOutcome.Removed)
            {
                _pending[(binding.Aor, binding.Contact)] = null;
            }

            return ValueTask.FromResult(outcome);
        }
    }

    public ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default)
    {
        lock (_pendingLock)
        {
            _pending[(aor, contact)] = null;
            return ValueTask.FromResult(_table.Remove(aor, contact));
        }
    }

    public ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default)
    {
        lock (_pendingLock)
        {
            var removed = _table.RemoveAll(aor);
            foreach (var binding in removed)
            {
                _pending[(binding.Aor, binding.Contact)] = null;
            }

            return ValueTask.FromResult(removed.Length);
        }
    }

    /// <summary>Expired rows leave the database at the next flush.</summary>
    public ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_table.Expire(Now).Count);

    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<(string Aor, string Contact), ContactBinding?> batch;
            lock (_pendingLock)
            {
                batch = _pending;
                _pending = new Dictionary<(string Aor, string Contact), ContactBinding?>(PendingKeyComparer.Instance);
            }

            var upserts = batch.Values.OfType<ContactBinding>().ToList();
            var deletes = batch.Where(change => change.Value is null).Select(change => change.Key).ToList();
            try
            {
                await _repository.ApplyAsync(upserts, deletes, Now, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                Requeue(batch);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _flusher.DisposeAsync().ConfigureAwait(false);
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // The database is gone at shutdown: what was not flushed is lost, as in Kamailio's db_mode 2.
        }

        _flushing.Dispose();
    }

    private void Requeue(Dictionary<(string Aor, string Contact), ContactBinding?> batch)
    {
        lock (_pendingLock)
        {
            foreach (var (key, change) in batch)
            {
                _pending.TryAdd(key, change);
            }
        }
    }

    private sealed class PendingKeyComparer : IEqualityComparer<(string Aor, string Contact)>
    {
        public static readonly PendingKeyComparer Instance = new();

        public bool Equals((string Aor, string Contact) x, (string Aor, string Contact) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Aor, y.Aor) && string.Equals(x.Contact, y.Contact, StringComparison.Ordinal);

        public int GetHashCode((string Aor, string Contact) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Aor), StringComparer.Ordinal.GetHashCode(obj.Contact));
    }
}
