namespace NatEdge.Proxy.Storage.Schema;

/// <summary>
/// Creates the tables of <see cref="KamailioSchema"/> that a database lacks and records their
/// versions in <c>version</c>, as kamdbctl does. Tables already present are left as they are,
/// so running it twice is harmless.
/// </summary>
public static class SchemaInstaller
{
    /// <returns>The names of the tables that were created, in creation order.</returns>
    public static async Task<IReadOnlyList<string>> InstallAsync(Database database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var created = new List<string>();
        foreach (var table in KamailioSchema.Tables)
        {
            if (await database.TableExistsAsync(table.Name, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var statements = SchemaScript.CreateTable(table, database.Backend);
            await database.RunAsync(
                async (connection, token) =>
                {
                    foreach (var statement in statements)
                    {
                        await using var command = connection.CreateSqlCommand(statement, null);
                        await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    await using var version = connection.CreateSqlCommand(
                        "INSERT INTO `version` (`table_name`, `table_version`) VALUES (@name, @version)",
                        null,
                        ("@name", table.Name),
                        ("@version", table.Version));
                    await version.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            created.Add(table.Name);
        }

        return created;
    }
}
