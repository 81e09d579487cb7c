using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>Builds the <see cref="ILocationStore"/> a <c>db_mode</c> asks for.</summary>
public static class LocationStores
{
    /// <summary>usrloc's <c>timer_interval</c> default (SER 0.9: 60 s).</summary>
    public static readonly TimeSpan DefaultTimerInterval = TimeSpan.FromSeconds(60);

    /// <param name="database">Required for modes 1 to 3; ignored in mode 0.</param>
    /// <param name="table">usrloc table, <c>location</c> by default.</param>
    /// <exception cref="ArgumentException">A database mode without a database.</exception>
    /// <exception cref="StorageException">Modes 1 and 2 could not load the table.</exception>
    public static async Task<ILocationStore> CreateAsync(
        UsrlocDbMode mode,
        Database? database,
        TimeProvider time,
        TimeSpan? timerInterval = null,
        string table = KamailioSchema.LocationTable,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        var interval = timerInterval ?? DefaultTimerInterval;
        if (mode == UsrlocDbMode.MemoryOnly)
        {
            return new MemoryLocationStore(time, interval);
        }

        if (database is null)
        {
            throw new ArgumentException($"usrloc db_mode {(int)mode} needs a db_url", nameof(database));
        }

        var repository = new LocationRepository(database, table);
        switch (mode)
        {
            case UsrlocDbMode.WriteThrough:
            case UsrlocDbMode.WriteBack:
                var now = time.GetUtcNow().UtcDateTime;
                var loaded = (await repository.LoadAllAsync(cancellationToken).ConfigureAwait(false))
                    .Where(binding => !binding.IsExpiredAt(now))
                    .ToList();
                return mode == UsrlocDbMode.WriteThrough
                    ? new WriteThroughLocationStore(repository, time, interval, loaded)
                    : new WriteBackLocationStore(repository, time, interval, loaded);
            case UsrlocDbMode.DatabaseOnly:
                return new DatabaseOnlyLocationStore(repository, time, interval);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "usrloc db_mode is 0, 1, 2 or 3");
        }
    }
}
