using System.Data.Common;

namespace NatEdge.Proxy.Storage;

/// <summary>Builds parameterised commands; the only way the repositories put values into SQL.</summary>
public static class SqlCommandExtensions
{
    public static DbCommand CreateSqlCommand(
        this DbConnection connection,
        string sql,
        DbTransaction? transaction,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return command;
    }

    /// <summary>Adds one parameterised statement to a batch (one round trip for all on MariaDB).</summary>
    public static void AddStatement(this DbBatch batch, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Named(command.CreateParameter(), name, value));
        }

        batch.BatchCommands.Add(command);
    }

    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.Add(Named(command.CreateParameter(), name, value));
    }

    private static DbParameter Named(DbParameter parameter, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }

    public static string? GetNullableString(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    /// <summary>DATETIME columns hold UTC written by NatEdge (or a UTC-run Kamailio).</summary>
    public static DateTime GetUtcDateTime(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
    }
}
