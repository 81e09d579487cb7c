using System.Data.Common;
using MySqlConnector;

namespace NatEdge.Proxy.Storage.MySql;

/// <summary>MySQL and MariaDB through MySqlConnector's pool.</summary>
public sealed class MySqlProvider : ISqlProvider
{
    private readonly string _connectionString;

    public MySqlProvider(DbUrl url, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = url.Host,
            Port = (uint)url.Port,
            UserID = url.User,
            Password = url.Password,
            Database = url.Database,
            ConnectionTimeout = (uint)Math.Max(1, options.ConnectTimeout.TotalSeconds),
            DefaultCommandTimeout = (uint)Math.Max(1, options.CommandTimeout.TotalSeconds),
            // Kamailio's DATETIME columns carry no zone; NatEdge writes UTC into them.
            DateTimeKind = MySqlDateTimeKind.Utc,
            AllowUserVariables = false,
            Pooling = true,
            MinimumPoolSize = 0,
            MaximumPoolSize = (uint)options.MaxPoolSize,
            ConnectionIdleTimeout = 60,
            // NatEdge leaves no session state behind (no user variables, temporary tables or open
            // transactions), so a pooled connection needs no reset round trip each time it is reused.
            ConnectionReset = false,
        };
        _connectionString = builder.ConnectionString;
    }

    public DbBackend Backend => DbBackend.MySql;

    public string TableExistsSql =>
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @name";

    public ValueTask PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public DbConnection CreateConnection() => new MySqlConnection(_connectionString);

    public bool IsTransient(Exception exception) => exception switch
    {
        MySqlException mysql => mysql.IsTransient || IsConnectionLost(mysql.ErrorCode) || LostUnderneath(mysql),
        MySqlEndOfStreamException => true,
        System.IO.IOException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

    public bool IsUnreachable(Exception exception) => exception switch
    {
        MySqlException mysql => IsConnectionLost(mysql.ErrorCode) || LostUnderneath(mysql) ||
                                mysql.ErrorCode is MySqlErrorCode.AccessDenied or MySqlErrorCode.UnknownDatabase,
        MySqlEndOfStreamException => true,
        System.IO.IOException => true,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

    public void ResetPool() => MySqlConnection.ClearAllPools();

    /// <summary>
    /// A pooled connection whose server went away is found out by the first command on it
    /// ("Failed to read the result set" over an end of stream or a socket error).
    /// </summary>
    private static bool LostUnderneath(MySqlException exception) =>
        exception.InnerException is MySqlEndOfStreamException or System.IO.IOException or System.Net.Sockets.SocketException;

    private static bool IsConnectionLost(MySqlErrorCode code) => code is
        MySqlErrorCode.UnableToConnectToHost or
        MySqlErrorCode.ConnectionCountError or
        MySqlErrorCode.ServerShutdown or
        MySqlErrorCode.CommandTimeoutExpired;
}
