using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Schema;
using NatEdge.Proxy.Tests.Usrloc;

namespace NatEdge.IntegrationTests.Database;

/// <summary>The location store contract (compiled in from the unit tests) on a real MariaDB.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbLocationStoreTests(MariaDbFixture fixture) : LocationStoreContract
{
    protected override async Task<global::NatEdge.Proxy.Storage.Database> NewDatabaseAsync()
    {
        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(await fixture.Server.CreateDatabaseAsync()));
        await SchemaInstaller.InstallAsync(database);
        return database;
    }
}
