using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>db_mode 0: contacts live only in memory and are lost on restart.</summary>
public sealed class MemoryLocationStore : ILocationStore
{
    private readonly LocationTable _table = new();
    private readonly TimeProvider _time;
    private readonly PeriodicWork _sweeper;

    public MemoryLocationStore(TimeProvider time, TimeSpan timerInterval)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _sweeper = new PeriodicWork(time, timerInterval, async token => await ExpireAsync(token).ConfigureAwait(false));
    }

    public UsrlocDbMode Mode => UsrlocDbMode.MemoryOnly;

    public PeriodicWork Timer => _sweeper;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Get(aor, Now));

    public ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ContactBinding>>(_table.Snapshot(Now));

    public ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_table.Put(binding, Now));

    public ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_table.Remove(aor, contact));

    public ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_table.RemoveAll(aor).Length);

    public ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_table.Expire(Now).Count);

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _sweeper.DisposeAsync();
}
