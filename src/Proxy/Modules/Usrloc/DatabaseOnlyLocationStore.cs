using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// db_mode 3: no cache; every read and write goes to the database, so several proxies on one
/// database (a MySQL/Galera cluster) see the same registrations at once. The CSeq rule is
/// checked against the rows read inside this process's per-AOR lock.
/// </summary>
public sealed class DatabaseOnlyLocationStore : ILocationStore
{
    private readonly LocationRepository _repository;
    private readonly TimeProvider _time;
    private readonly AorLocks _locks = new();
    private readonly PeriodicWork _sweeper;

    internal DatabaseOnlyLocationStore(LocationRepository repository, TimeProvider time, TimeSpan timerInterval)
    {
        _repository = repository;
        _time = time;
        _sweeper = new PeriodicWork(time, timerInterval, async token => await ExpireAsync(token).ConfigureAwait(false));
    }

    public UsrlocDbMode Mode => UsrlocDbMode.DatabaseOnly;

    public PeriodicWork Timer => _sweeper;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public async ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var rows = await _repository.LoadAsync(aor, cancellationToken).ConfigureAwait(false);
        return BindingRules.Order(rows.Where(binding => !binding.IsExpiredAt(now)));
    }

    public async ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        var now = Now;
        var rows = await _repository.LoadAllAsync(cancellationToken).ConfigureAwait(false);
        return rows.Where(binding => !binding.IsExpiredAt(now)).ToList();
    }

    public async ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        using var held = await _locks.AcquireAsync(binding.Aor, cancellationToken).ConfigureAwait(false);
        var now = Now;
        var rows = await _repository.LoadAsync(binding.Aor, cancellationToken).ConfigureAwait(false);
        var existing = rows.FirstOrDefault(row => string.Equals(row.Contact, binding.Contact, StringComparison.Ordinal) && !row.IsExpiredAt(now));
        var outcome = BindingRules.Decide(existing, binding, now);
        if (outcome is PutOutcome.Inserted or PutOutcome.Updated)
        {
            await _repository.UpsertAsync(binding, cancellationToken).ConfigureAwait(false);
        }
        else if (outcome == PutOutcome.Removed)
        {
            await _repository.DeleteAsync(binding.Aor, binding.Contact, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    public async ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default) =>
        await _repository.DeleteAsync(aor, contact, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default) =>
        await _repository.DeleteAorAsync(aor, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default) =>
        await _repository.DeleteExpiredAsync(Now, cancellationToken).ConfigureAwait(false);

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        _locks.Dispose();
    }
}
