using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.IntegrationTests.Database;

/// <summary>Subscriber lookups batched into one UNION ALL query, on a real MariaDB.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbSubscriberBatchTests(MariaDbFixture fixture)
{
    [Fact]
    public async Task A_batch_finds_each_account_as_a_lookup_of_its_own_would()
    {
        var subscribers = await SubscribersAsync();
        var alice = new SubscriberRecord("alice", "example.org", "a", "ha", "hab");
        var bob = new SubscriberRecord("bob", "example.org", "b", "hb", "hbb");
        (await subscribers.AddAsync(alice)).ShouldBeTrue();
        (await subscribers.AddAsync(bob)).ShouldBeTrue();
        (string, string)[] accounts =
            [("bob", "example.org"), ("nobody", "example.org"), ("ALICE", "example.org"), ("bob", "example.org"), ("alice", "example.com"), ("alice", "example.org")];

        var found = await subscribers.FindManyAsync(accounts);

        found[0].ShouldBe(bob);
        found[1].ShouldBeNull();
        found[3].ShouldBe(bob);
        found[4].ShouldBeNull();
        found[5].ShouldBe(alice);
        // The table's collation decides case, exactly as for one lookup (Kamailio's schema compares
        // usernames without case on MariaDB's default collation).
        found[2].ShouldBe(await subscribers.FindAsync("ALICE", "example.org"));
    }

    [Fact]
    public async Task Two_hundred_concurrent_lookups_through_the_batching_lookup_each_get_their_own_row()
    {
        var subscribers = await SubscribersAsync();
        for (var i = 0; i < 100; i++)
        {
            (await subscribers.AddAsync(new SubscriberRecord($"user{i:D3}", "example.org", "p", $"ha{i}", "hb"))).ShouldBeTrue();
        }

        var lookup = new DatabaseSubscriberLookup(subscribers);
        var lookups = Enumerable.Range(0, 200)
            .Select(i => lookup.FindAsync($"user{i:D3}", "example.org", CancellationToken.None).AsTask())
            .ToArray();
        var rows = await Task.WhenAll(lookups).WaitAsync(TimeSpan.FromSeconds(20));

        for (var i = 0; i < 200; i++)
        {
            if (i < 100)
            {
                rows[i].ShouldNotBeNull().Ha1.ShouldBe($"ha{i}");
            }
            else
            {
                rows[i].ShouldBeNull();
            }
        }
    }

    private async Task<SubscriberRepository> SubscribersAsync()
    {
        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(await fixture.Server.CreateDatabaseAsync()));
        await SchemaInstaller.InstallAsync(database);
        return new SubscriberRepository(database);
    }
}
