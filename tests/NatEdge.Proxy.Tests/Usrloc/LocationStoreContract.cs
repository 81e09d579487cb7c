using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Usrloc;

/// <summary>
/// What every database-backed <see cref="ILocationStore"/> must do, run against each backend
/// (SQLite here, MariaDB in the integration tests, which compile this same file). Time is a
/// fake clock; the database sees the times it writes.
/// </summary>
public abstract class LocationStoreContract
{
    protected static readonly TimeSpan TimerInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>A new, empty database with the schema installed.</summary>
    protected abstract Task<Database> NewDatabaseAsync();

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Stores_and_returns_every_field(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        var binding = Binding("alice@example.org", "sip:alice@192.168.1.20:5062", seconds: 3600, q: 0.5f);

        (await store.PutAsync(binding)).ShouldBe(PutOutcome.Inserted);

        var found = (await store.GetAsync("alice@example.org")).ShouldHaveSingleItem();
        found.ShouldBe(binding);
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Expired_bindings_are_never_returned_and_are_swept(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 30));
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.2", seconds: 300));

        Time.Advance(TimeSpan.FromSeconds(30));
        (await store.GetAsync("alice@example.org")).Select(b => b.Contact).ShouldBe(["sip:alice@10.0.0.2"]);

        await store.ExpireAsync();
        await store.FlushAsync();
        (await Rows(database, "alice@example.org")).Select(b => b.Contact).ShouldBe(["sip:alice@10.0.0.2"]);
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task The_timer_sweeps_expired_bindings_out_of_the_database(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 30));
        await store.FlushAsync();
        (await Rows(database, "alice@example.org")).Count.ShouldBe(1);

        Time.Advance(TimerInterval);
        await Eventually(async () => (await Rows(database, "alice@example.org")).Count == 0);
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Cseq_ordering_follows_rfc3261_section_10_3(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        const string Aor = "alice@example.org";
        const string Contact = "sip:alice@10.0.0.1";
        await store.PutAsync(Binding(Aor, Contact, seconds: 60, callId: "a", cseq: 10));

        (await store.PutAsync(Binding(Aor, Contact, seconds: 900, callId: "a", cseq: 10))).ShouldBe(PutOutcome.OutOfOrder);
        (await store.PutAsync(Binding(Aor, Contact, seconds: 900, callId: "a", cseq: 9))).ShouldBe(PutOutcome.OutOfOrder);
        (await store.PutAsync(Binding(Aor, Contact, seconds: 0, callId: "a", cseq: 9))).ShouldBe(PutOutcome.OutOfOrder);
        (await store.GetAsync(Aor)).ShouldHaveSingleItem().Expires.ShouldBe(Now.AddSeconds(60));

        (await store.PutAsync(Binding(Aor, Contact, seconds: 120, callId: "a", cseq: 11))).ShouldBe(PutOutcome.Updated);
        (await store.PutAsync(Binding(Aor, Contact, seconds: 240, callId: "b", cseq: 1))).ShouldBe(PutOutcome.Updated);
        var current = (await store.GetAsync(Aor)).ShouldHaveSingleItem();
        current.CallId.ShouldBe("b");
        current.Expires.ShouldBe(Now.AddSeconds(240));

        await store.FlushAsync();
        var row = (await Rows(database, Aor)).ShouldHaveSingleItem();
        (row.CallId, row.CSeq).ShouldBe(("b", 1));
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Expires_zero_removes_and_remove_all_clears_the_aor(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60, cseq: 1));
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.2", seconds: 60, cseq: 1));
        await store.PutAsync(Binding("bob@example.org", "sip:bob@10.0.0.3", seconds: 60, cseq: 1));

        (await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 0, cseq: 2))).ShouldBe(PutOutcome.Removed);
        (await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.9", seconds: 0, cseq: 2))).ShouldBe(PutOutcome.NotFound);
        (await store.GetAsync("alice@example.org")).Select(b => b.Contact).ShouldBe(["sip:alice@10.0.0.2"]);

        (await store.RemoveAllAsync("alice@example.org")).ShouldBe(1);
        (await store.GetAsync("alice@example.org")).ShouldBeEmpty();
        await store.FlushAsync();
        (await Rows(database, "alice@example.org")).ShouldBeEmpty();
        (await Rows(database, "bob@example.org")).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Highest_q_comes_first(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        await store.PutAsync(Binding("alice@example.org", "sip:low@10.0.0.1", seconds: 60, q: 0.1f));
        await store.PutAsync(Binding("alice@example.org", "sip:high@10.0.0.2", seconds: 60, q: 0.9f));
        await store.PutAsync(Binding("alice@example.org", "sip:mid@10.0.0.3", seconds: 60, q: 0.5f));

        (await store.GetAsync("alice@example.org")).Select(b => b.Contact)
            .ShouldBe(["sip:high@10.0.0.2", "sip:mid@10.0.0.3", "sip:low@10.0.0.1"]);
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task Bindings_survive_a_restart(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        var kept = Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 3600, q: 0.75f);
        var expiring = Binding("bob@example.org", "sip:bob@10.0.0.2", seconds: 10);
        await using (var before = await Create(mode, database))
        {
            await before.PutAsync(kept);
            await before.PutAsync(expiring);
        }

        Time.Advance(TimeSpan.FromSeconds(20));
        await using var after = await Create(mode, database);
        (await after.GetAsync("alice@example.org")).ShouldHaveSingleItem().ShouldBe(kept);
        (await after.GetAsync("bob@example.org")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(UsrlocDbMode.WriteThrough)]
    [InlineData(UsrlocDbMode.WriteBack)]
    [InlineData(UsrlocDbMode.DatabaseOnly)]
    public async Task All_live_bindings_can_be_walked(UsrlocDbMode mode)
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(mode, database);
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 300));
        await store.PutAsync(Binding("bob@example.org", "sip:bob@10.0.0.2", seconds: 300) with { Flags = 0 });
        await store.PutAsync(Binding("carol@example.org", "sip:carol@10.0.0.3", seconds: 10));
        Time.Advance(TimeSpan.FromSeconds(10));

        var all = await store.GetAllAsync();
        all.Select(b => b.Contact).OrderBy(c => c, StringComparer.Ordinal).ShouldBe(["sip:alice@10.0.0.1", "sip:bob@10.0.0.2"]);
        all.Where(b => (b.Flags & 64) != 0).Select(b => b.Aor).ShouldBe(["alice@example.org"]);
    }

    [Fact]
    public async Task Write_through_reaches_the_database_before_put_returns()
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(UsrlocDbMode.WriteThrough, database);
        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60));
        (await Rows(database, "alice@example.org")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_write_through_registrations_refreshes_and_removals_each_reach_the_database()
    {
        var database = await NewDatabaseAsync();
        await using var store = await Create(UsrlocDbMode.WriteThrough, database);
        var aors = Enumerable.Range(0, 100).Select(i => $"user{i:D3}@example.org").ToArray();

        (await Task.WhenAll(aors.Select(aor => store.PutAsync(Binding(aor, $"sip:{aor}", seconds: 60)).AsTask())))
            .ShouldAllBe(outcome => outcome == PutOutcome.Inserted);
        (await Task.WhenAll(aors.Select((aor, i) => store.PutAsync(Binding(aor, $"sip:{aor}", seconds: i < 20 ? 0 : 600, cseq: 2)).AsTask())))
            .ShouldBe(aors.Select((_, i) => i < 20 ? PutOutcome.Removed : PutOutcome.Updated));

        var rows = await new LocationRepository(database).LoadAllAsync();
        rows.Select(row => row.Aor).ShouldBe(aors.Skip(20));
        rows.ShouldAllBe(row => row.CSeq == 2 && row.Expires == Now.AddSeconds(600));
    }

    [Fact]
    public async Task A_batch_of_writes_updates_inserts_and_deletes_in_one_transaction()
    {
        var database = await NewDatabaseAsync();
        var repository = new LocationRepository(database);
        var kept = Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60);
        var removed = Binding("bob@example.org", "sip:bob@10.0.0.2", seconds: 60);
        await repository.UpsertAsync(kept);
        await repository.UpsertAsync(removed);
        var refreshed = kept with { Expires = Now.AddSeconds(3600), CSeq = 7 };
        var added = Binding("carol@example.org", "sip:carol@10.0.0.3", seconds: 120);

        var applied = await repository.ApplyWritesAsync(
        [
            new LocationWrite(refreshed, LocationWriteKind.Update),
            new LocationWrite(added, LocationWriteKind.Insert),
            new LocationWrite(removed, LocationWriteKind.Delete),
            new LocationWrite(Binding("dave@example.org", "sip:dave@10.0.0.4", seconds: 60), LocationWriteKind.Delete),
        ]);

        applied.ShouldBe(4);
        (await repository.LoadAllAsync()).ShouldBe([refreshed, added]);
    }

    [Fact]
    public async Task An_update_of_a_row_removed_behind_the_proxy_writes_the_row_again_with_the_rest_of_its_batch()
    {
        var database = await NewDatabaseAsync();
        var repository = new LocationRepository(database);
        var vanished = Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60) with { Ruid = "ruid-alice" };
        var kept = Binding("bob@example.org", "sip:bob@10.0.0.2", seconds: 60) with { Ruid = "ruid-bob" };
        await repository.UpsertAsync(kept);
        var refreshedAlice = vanished with { Expires = Now.AddSeconds(600), CSeq = 2 };
        var refreshedBob = kept with { Expires = Now.AddSeconds(600), CSeq = 2 };
        var carol = Binding("carol@example.org", "sip:carol@10.0.0.3", seconds: 60) with { Ruid = "ruid-carol" };

        await repository.ApplyWritesAsync(
        [
            new LocationWrite(refreshedAlice, LocationWriteKind.Update),
            new LocationWrite(refreshedBob, LocationWriteKind.Update),
            new LocationWrite(carol, LocationWriteKind.Insert),
        ]);

        (await repository.LoadAllAsync()).OrderBy(row => row.Aor, StringComparer.Ordinal).ShouldBe([refreshedAlice, refreshedBob, carol]);
    }

    [Fact]
    public async Task Write_back_reaches_the_database_at_the_flush_interval()
    {
        var database = await NewDatabaseAsync();
        await using var store = (WriteBackLocationStore)await Create(UsrlocDbMode.WriteBack, database);
        var binding = Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 3600);
        await store.PutAsync(binding);
        store.PendingCount.ShouldBe(1);
        (await Rows(database, "alice@example.org")).ShouldBeEmpty();

        Time.Advance(TimerInterval - TimeSpan.FromSeconds(1));
        store.Timer.CompletedRuns.ShouldBe(0);
        (await Rows(database, "alice@example.org")).ShouldBeEmpty();

        Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => Task.FromResult(store.Timer.CompletedRuns == 1));
        (await Rows(database, "alice@example.org")).ShouldHaveSingleItem().ShouldBe(binding);
        store.PendingCount.ShouldBe(0);

        await store.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 0, cseq: 2));
        (await Rows(database, "alice@example.org")).Count.ShouldBe(1);
        Time.Advance(TimerInterval);
        await Eventually(() => Task.FromResult(store.Timer.CompletedRuns == 2));
        (await Rows(database, "alice@example.org")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Database_only_stores_share_registrations()
    {
        var database = await NewDatabaseAsync();
        await using var first = await Create(UsrlocDbMode.DatabaseOnly, database);
        await using var second = await Create(UsrlocDbMode.DatabaseOnly, database);
        await first.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60, cseq: 1));
        (await second.GetAsync("alice@example.org")).ShouldHaveSingleItem().Contact.ShouldBe("sip:alice@10.0.0.1");
        (await second.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 60, cseq: 1))).ShouldBe(PutOutcome.OutOfOrder);
        (await second.PutAsync(Binding("alice@example.org", "sip:alice@10.0.0.1", seconds: 0, cseq: 2))).ShouldBe(PutOutcome.Removed);
        (await first.GetAsync("alice@example.org")).ShouldBeEmpty();
    }

    protected Task<ILocationStore> Create(UsrlocDbMode mode, Database database) =>
        LocationStores.CreateAsync(mode, database, Time, TimerInterval);

    protected ContactBinding Binding(string aor, string contact, int seconds, string callId = "call-1@10.0.0.1", int cseq = 1, float q = 1.0f) => new()
    {
        Aor = aor,
        Contact = contact,
        Expires = Now.AddSeconds(seconds),
        Q = q,
        CallId = callId,
        CSeq = cseq,
        UserAgent = "Test Phone/1.0",
        Received = "sip:198.51.100.7:5066",
        Path = null,
        Flags = 64,
        Socket = "udp:127.0.0.1:5060",
        Methods = 8191,
        LastModified = Now,
    };

    private static Task<IReadOnlyList<ContactBinding>> Rows(Database database, string aor) =>
        new LocationRepository(database).LoadAsync(aor);

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {WaitLimit.TotalSeconds} s");
            }

            await Task.Delay(20);
        }
    }
}
