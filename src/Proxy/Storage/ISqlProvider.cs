using System.Data.Common;

namespace NatEdge.Proxy.Storage;

/// <summary>
/// What differs between MySQL/MariaDB and SQLite below the repositories: how to connect, which
/// failures are worth a retry, which mean the database is not there, and how to ask whether a
/// table exists. Queries themselves are shared: both engines accept the same parameterised SQL.
/// </summary>
public interface ISqlProvider
{
    DbBackend Backend { get; }

    DbConnection CreateConnection();

    /// <summary>A fault that may pass on its own (deadlock, lock wait, busy file, dropped connection).</summary>
    bool IsTransient(Exception exception);

    /// <summary>The server cannot be reached or the file cannot be opened.</summary>
    bool IsUnreachable(Exception exception);

    /// <summary>Forget pooled connections after the server went away, so the next try dials anew.</summary>
    void ResetPool();

    string TableExistsSql { get; }

    /// <summary>Runs on each opened connection before the work (SQLite switches the file to WAL once).</summary>
    ValueTask PrepareAsync(DbConnection connection, CancellationToken cancellationToken);
}
