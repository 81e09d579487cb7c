using Microsoft.Data.Sqlite;

namespace NatEdge.IntegrationTests.Database;

public sealed class SqliteCtlTests : CtlEndToEndContract, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("natedge-ctl-");

    protected override bool ComparesMySqlTypes => false;

    protected override Task<string> NewDbUrlAsync() =>
        Task.FromResult("sqlite:" + Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".db"));

    protected override async Task<IReadOnlyList<(string Column, string Type)>> ColumnsAsync(string dbUrl, string table)
    {
        await using var connection = new SqliteConnection("Data Source=" + dbUrl["sqlite:".Length..]);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, type FROM pragma_table_info($table) ORDER BY cid";
        command.Parameters.AddWithValue("$table", table);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    [Fact]
    public async Task A_file_that_cannot_be_opened_is_reported_as_unreachable()
    {
        var result = await ProxyCtl.RunAsync("--db-url", "sqlite:/nonexistent/dir/natedge.db", "user", "list");
        result.ExitCode.ShouldBe(1);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldStartWith("database unreachable (sqlite:/nonexistent/dir/natedge.db): ");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
