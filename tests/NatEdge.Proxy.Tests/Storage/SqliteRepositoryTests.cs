using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Tests.Storage;

public sealed class SqliteRepositoryTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("natedge-storage-");

    [Fact]
    public async Task Schema_install_is_idempotent()
    {
        var database = Open();
        (await SchemaInstaller.InstallAsync(database)).ShouldBe(["version", "subscriber", "location", "aliases", "domain", "uri"]);
        (await SchemaInstaller.InstallAsync(database)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Subscribers_are_found_by_username_and_domain()
    {
        var subscribers = new SubscriberRepository(await InstalledAsync());
        var alice = new SubscriberRecord("alice", "example.org", "secret", "h1", "h1b");
        (await subscribers.AddAsync(alice)).ShouldBeTrue();
        (await subscribers.AddAsync(alice with { Password = "other" })).ShouldBeFalse();
        (await subscribers.FindAsync("alice", "example.org")).ShouldBe(alice);
        (await subscribers.FindAsync("alice", "example.com")).ShouldBeNull();
        (await subscribers.UpdatePasswordAsync(alice with { Password = "n", Ha1 = "x", Ha1b = "y" })).ShouldBeTrue();
        (await subscribers.FindAsync("alice", "example.org"))!.Ha1.ShouldBe("x");
        (await subscribers.RemoveAsync("alice", "example.org")).ShouldBeTrue();
        (await subscribers.RemoveAsync("alice", "example.org")).ShouldBeFalse();
    }

    [Fact]
    public async Task Several_accounts_are_found_in_one_query_each_in_its_place()
    {
        var subscribers = new SubscriberRepository(await InstalledAsync());
        var alice = new SubscriberRecord("alice", "example.org", "a", "ha", "hab");
        var bob = new SubscriberRecord("bob", "example.org", "b", "hb", "hbb");
        var carol = new SubscriberRecord("carol", "example.com", "c", "hc", "hcb");
        foreach (var subscriber in new[] { alice, bob, carol })
        {
            (await subscribers.AddAsync(subscriber)).ShouldBeTrue();
        }

        var found = await subscribers.FindManyAsync(
            [("bob", "example.org"), ("nobody", "example.org"), ("carol", "example.com"), ("bob", "example.org"), ("alice", "example.com"), ("alice", "example.org")]);

        found.ShouldBe([bob, null, carol, bob, null, alice]);
        (await subscribers.FindManyAsync([])).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_batch_of_accounts_is_found_in_one_query()
    {
        var subscribers = new SubscriberRepository(await InstalledAsync());
        var accounts = Enumerable.Range(0, SubscriberRepository.MaxAccountsPerQuery).Select(i => ($"user{i:D2}", "example.org")).ToArray();
        foreach (var (user, domain) in accounts.Where((_, i) => i % 2 == 0))
        {
            (await subscribers.AddAsync(new SubscriberRecord(user, domain, "p", $"h{user}", "hb"))).ShouldBeTrue();
        }

        var found = await subscribers.FindManyAsync(accounts);

        found.Select(row => row?.Ha1).ShouldBe(accounts.Select((account, i) => i % 2 == 0 ? $"h{account.Item1}" : null));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => subscribers.FindManyAsync([.. accounts, ("one", "too many")]));
    }

    [Fact]
    public async Task Values_that_look_like_sql_are_stored_as_values()
    {
        var subscribers = new SubscriberRepository(await InstalledAsync());
        var tricky = new SubscriberRecord("o'brien\"; DROP TABLE subscriber; --", "example.org", "p'w", "h", "h");
        (await subscribers.AddAsync(tricky)).ShouldBeTrue();
        (await subscribers.FindAsync(tricky.Username, "example.org")).ShouldBe(tricky);
        (await subscribers.ListAsync()).ShouldBe([(tricky.Username, "example.org")]);
    }

    [Fact]
    public async Task Domains_and_uri_rows_answer_membership()
    {
        var database = await InstalledAsync();
        var domains = new DomainRepository(database);
        (await domains.AddAsync("example.org", DateTime.UtcNow)).ShouldBeTrue();
        (await domains.ExistsAsync("example.org")).ShouldBeTrue();
        (await domains.ExistsAsync("example.com")).ShouldBeFalse();

        await database.RunAsync(async (connection, token) =>
        {
            await using var insert = connection.CreateSqlCommand(
                "INSERT INTO `uri` (`username`, `domain`, `uri_user`) VALUES (@u, @d, @uu)",
                null,
                ("@u", "alice"),
                ("@d", "example.org"),
                ("@uu", "alice.smith"));
            return await insert.ExecuteNonQueryAsync(token);
        });
        var uris = new UriRepository(database);
        (await uris.ExistsAsync("alice", "example.org", "alice.smith")).ShouldBeTrue();
        (await uris.ExistsAsync("alice", "example.org", "bob")).ShouldBeFalse();
    }

    [Fact]
    public async Task Kamailio_rows_with_a_null_domain_read_as_domainless_aors()
    {
        var database = await InstalledAsync();
        await database.RunAsync(async (connection, token) =>
        {
            await using var insert = connection.CreateSqlCommand(
                "INSERT INTO `location` (`ruid`, `username`, `domain`, `contact`, `expires`) VALUES ('k1', '1000', NULL, 'sip:1000@10.0.0.1', @e)",
                null,
                ("@e", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            return await insert.ExecuteNonQueryAsync(token);
        });
        var row = (await new LocationRepository(database).LoadAsync("1000")).ShouldHaveSingleItem();
        row.Aor.ShouldBe("1000");
        row.CallId.ShouldBe("Default-Call-ID", "the column default of Kamailio's schema");
        row.Q.ShouldBe(1.0f);
    }

    [Fact]
    public async Task A_missing_table_is_a_storage_error_not_an_outage()
    {
        var failure = await Should.ThrowAsync<StorageException>(() => new SubscriberRepository(Open()).FindAsync("a", "b"));
        failure.ShouldNotBeOfType<StorageUnavailableException>();
        failure.Message.ShouldContain("subscriber");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private Database Open() => Database.Open(DbUrl.Parse("sqlite:" + Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".db")));

    private async Task<Database> InstalledAsync()
    {
        var database = Open();
        await SchemaInstaller.InstallAsync(database);
        return database;
    }
}
