using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Tests.Usrloc;

public sealed class SqliteLocationStoreTests : LocationStoreContract, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("natedge-usrloc-");

    protected override async Task<Database> NewDatabaseAsync()
    {
        var database = Database.Open(DbUrl.Parse("sqlite:" + Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".db")));
        await SchemaInstaller.InstallAsync(database);
        return database;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
