using MySqlConnector;
using NatEdge.Proxy.Storage;

namespace NatEdge.IntegrationTests.Database;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbCtlTests(MariaDbFixture fixture) : CtlEndToEndContract
{
    protected override bool ComparesMySqlTypes => true;

    protected override Task<string> NewDbUrlAsync() => fixture.Server.CreateDatabaseAsync();

    protected override async Task<IReadOnlyList<(string Column, string Type)>> ColumnsAsync(string dbUrl, string table)
    {
        var url = DbUrl.Parse(dbUrl);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = url.Host,
            Port = (uint)url.Port,
            UserID = url.User,
            Password = url.Password,
            Database = url.Database,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT column_name, column_type FROM information_schema.columns " +
            "WHERE table_schema = DATABASE() AND table_name = @table ORDER BY ordinal_position";
        command.Parameters.AddWithValue("@table", table);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }
}
