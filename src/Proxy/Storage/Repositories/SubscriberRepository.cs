using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>A row of <c>subscriber</c>: the password and the two precomputed HA1 values (auth_db).</summary>
/// <param name="Ha1">MD5(username:domain:password).</param>
/// <param name="Ha1b">MD5(username@domain:domain:password), for phones that put the domain in the digest username.</param>
public sealed record SubscriberRecord(string Username, string Domain, string Password, string Ha1, string Ha1b);

/// <summary>The <c>subscriber</c> table (Kamailio auth_db, version 7).</summary>
public sealed class SubscriberRepository
{
    private const string Select =
        "SELECT `username`, `domain`, `password`, `ha1`, `ha1b` FROM `subscriber` WHERE `username` = @username AND `domain` = @domain";

    /// <summary>Most accounts one <see cref="FindManyAsync"/> asks for (SQLite allows 500 SELECTs in a compound).</summary>
    public const int MaxAccountsPerQuery = 64;

    private static readonly string[] FindManySql = BuildFindManySql();
    private static readonly string[] UsernameParameters = ParameterNames("@u");
    private static readonly string[] DomainParameters = ParameterNames("@d");

    private readonly Database _database;

    public SubscriberRepository(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public Task<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken = default) =>
        _database.RunAsync<SubscriberRecord?>(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(Select, null, ("@username", username), ("@domain", domain));
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                return await reader.ReadAsync(token).ConfigureAwait(false)
                    ? new SubscriberRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
                    : null;
            },
            cancellationToken);

    /// <summary>
    /// Looks up several accounts in one query: one indexed SELECT per account joined by UNION ALL,
    /// each row tagged with its account's position, so every account matches exactly as a lookup
    /// of its own would (the server's collation decides, not this code).
    /// </summary>
    /// <returns>The row of each account, null where there is none, in the order asked.</returns>
    public Task<SubscriberRecord?[]> FindManyAsync(IReadOnlyList<(string Username, string Domain)> accounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(accounts.Count, MaxAccountsPerQuery);
        return accounts.Count == 0 ? Task.FromResult(Array.Empty<SubscriberRecord?>()) : _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(FindManySql[accounts.Count - 1], null);
                for (var i = 0; i < accounts.Count; i++)
                {
                    command.AddParameter(UsernameParameters[i], accounts[i].Username);
                    command.AddParameter(DomainParameters[i], accounts[i].Domain);
                }

                var found = new SubscriberRecord?[accounts.Count];
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    found[reader.GetInt32(0)] ??=
                        new SubscriberRecord(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
                }

                return found;
            },
            cancellationToken);
    }

    /// <returns>false when the user already exists.</returns>
    public Task<bool> AddAsync(SubscriberRecord subscriber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return _database.RunInTransactionAsync(
            async (connection, transaction, token) =>
            {
                await using (var exists = connection.CreateSqlCommand(
                                 Select,
                                 transaction,
                                 ("@username", subscriber.Username),
                                 ("@domain", subscriber.Domain)))
                await using (var reader = await exists.ExecuteReaderAsync(token).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                await using var insert = connection.CreateSqlCommand(
                    "INSERT INTO `subscriber` (`username`, `domain`, `password`, `ha1`, `ha1b`) VALUES (@username, @domain, @password, @ha1, @ha1b)",
                    transaction,
                    ("@username", subscriber.Username),
                    ("@domain", subscriber.Domain),
                    ("@password", subscriber.Password),
                    ("@ha1", subscriber.Ha1),
                    ("@ha1b", subscriber.Ha1b));
                await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <returns>false when there is no such user.</returns>
    public Task<bool> UpdatePasswordAsync(SubscriberRecord subscriber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return ExecuteAsync(
            "UPDATE `subscriber` SET `password` = @password, `ha1` = @ha1, `ha1b` = @ha1b WHERE `username` = @username AND `domain` = @domain",
            cancellationToken,
            ("@username", subscriber.Username),
            ("@domain", subscriber.Domain),
            ("@password", subscriber.Password),
            ("@ha1", subscriber.Ha1),
            ("@ha1b", subscriber.Ha1b));
    }

    /// <returns>false when there is no such user.</returns>
    public Task<bool> RemoveAsync(string username, string domain, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "DELETE FROM `subscriber` WHERE `username` = @username AND `domain` = @domain",
            cancellationToken,
            ("@username", username),
            ("@domain", domain));

    public Task<IReadOnlyList<(string Username, string Domain)>> ListAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync<IReadOnlyList<(string, string)>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(
                    $"SELECT `username`, `domain` FROM `{KamailioSchema.SubscriberTable}` ORDER BY `domain`, `username`",
                    null);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var users = new List<(string, string)>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    users.Add((reader.GetString(0), reader.GetString(1)));
                }

                return users;
            },
            cancellationToken);

    private Task<bool> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(sql, null, parameters);
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    private static string[] BuildFindManySql()
    {
        var statements = new string[MaxAccountsPerQuery];
        var sql = new System.Text.StringBuilder();
        for (var i = 0; i < MaxAccountsPerQuery; i++)
        {
            if (i > 0)
            {
                sql.Append(" UNION ALL ");
            }

            sql.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"SELECT {i}, `username`, `domain`, `password`, `ha1`, `ha1b` FROM `subscriber` WHERE `username` = @u{i} AND `domain` = @d{i}");
            statements[i] = sql.ToString();
        }

        return statements;
    }

    private static string[] ParameterNames(string prefix)
    {
        var names = new string[MaxAccountsPerQuery];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }
}
