using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace NatEdge.Proxy.Storage.Sqlite;

/// <summary>An embedded SQLite file, shared safely by the proxy and the ctl command through WAL mode.</summary>
public sealed class SqliteProvider : ISqlProvider
{
    // SQLite result codes (sqlite3.h): the file is busy or locked by another connection.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCantOpen = 14;

    private readonly string _connectionString;
    private bool _walChecked;

    public SqliteProvider(DbUrl url, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = url.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
            DefaultTimeout = (int)Math.Max(1, options.CommandTimeout.TotalSeconds),
            Pooling = true,
        }.ConnectionString;
    }

    public DbBackend Backend => DbBackend.Sqlite;

    public string TableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";

    /// <summary>
    /// WAL lets the ctl command write while the proxy reads. The mode is stored in the file, so
    /// one switch per process is enough; busy waits come from the connection's default timeout.
    /// </summary>
    public async ValueTask PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Volatile.Read(ref _walChecked))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _walChecked, true);
    }

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    public bool IsUnreachable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteCantOpen };

    public void ResetPool() => SqliteConnection.ClearAllPools();
}
