namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>The <c>domain</c> table: the domains this proxy is responsible for (domain module).</summary>
public sealed class DomainRepository
{
    private readonly Database _database;

    public DomainRepository(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public Task<bool> ExistsAsync(string domain, CancellationToken cancellationToken = default) =>
        _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(
                    "SELECT COUNT(*) FROM `domain` WHERE `domain` = @domain",
                    null,
                    ("@domain", domain));
                return Convert.ToInt64(await command.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
            },
            cancellationToken);

    /// <returns>false when the domain is already there.</returns>
    public Task<bool> AddAsync(string domain, DateTime utcNow, CancellationToken cancellationToken = default) =>
        _database.RunInTransactionAsync(
            async (connection, transaction, token) =>
            {
                await using (var exists = connection.CreateSqlCommand(
                                 "SELECT COUNT(*) FROM `domain` WHERE `domain` = @domain",
                                 transaction,
                                 ("@domain", domain)))
                {
                    if (Convert.ToInt64(await exists.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
                    {
                        return false;
                    }
                }

                await using var insert = connection.CreateSqlCommand(
                    "INSERT INTO `domain` (`domain`, `did`, `last_modified`) VALUES (@domain, NULL, @now)",
                    transaction,
                    ("@domain", domain),
                    ("@now", new DateTime(utcNow.Ticks - (utcNow.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc)));
                await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <returns>false when there was no such domain.</returns>
    public Task<bool> RemoveAsync(string domain, CancellationToken cancellationToken = default) =>
        _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand("DELETE FROM `domain` WHERE `domain` = @domain", null, ("@domain", domain));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<string>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand("SELECT `domain` FROM `domain` ORDER BY `domain`", null);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var domains = new List<string>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    domains.Add(reader.GetString(0));
                }

                return domains;
            },
            cancellationToken);
}
