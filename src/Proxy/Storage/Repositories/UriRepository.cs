namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>
/// The <c>uri</c> table of uri_db: which URI users (To/From) an authenticated account may use
/// when <c>use_uri_table</c> is 1.
/// </summary>
public sealed class UriRepository
{
    private readonly Database _database;

    public UriRepository(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public Task<bool> ExistsAsync(string username, string domain, string uriUser, CancellationToken cancellationToken = default) =>
        _database.RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(
                    "SELECT COUNT(*) FROM `uri` WHERE `username` = @username AND `domain` = @domain AND `uri_user` = @uri_user",
                    null,
                    ("@username", username),
                    ("@domain", domain),
                    ("@uri_user", uriUser));
                return Convert.ToInt64(await command.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
            },
            cancellationToken);
}
