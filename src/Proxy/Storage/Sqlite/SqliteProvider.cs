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

    public IReadOnlyList<string> ConnectionSetup { get; } = ["PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=2000"];

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    public bool IsUnreachable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteCantOpen };

    public void ResetPool() => SqliteConnection.ClearAllPools();
}
