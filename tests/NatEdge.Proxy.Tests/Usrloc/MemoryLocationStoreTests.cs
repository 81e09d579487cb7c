using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Usrloc;

public class MemoryLocationStoreTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Db_mode_0_needs_no_database()
    {
        await using var store = await LocationStores.CreateAsync(UsrlocDbMode.MemoryOnly, null, _time, Interval);
        store.Mode.ShouldBe(UsrlocDbMode.MemoryOnly);
        (await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 60))).ShouldBe(PutOutcome.Inserted);
        (await store.GetAsync("alice")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Database_modes_refuse_to_start_without_a_database()
    {
        await Should.ThrowAsync<ArgumentException>(() => LocationStores.CreateAsync(UsrlocDbMode.WriteBack, null, _time, Interval));
    }

    [Fact]
    public async Task The_timer_sweeps_expired_bindings()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 30));
        await store.PutAsync(Binding("bob", "sip:bob@10.0.0.2", 90));

        _time.Advance(TimeSpan.FromSeconds(30));
        (await store.GetAsync("alice")).ShouldBeEmpty();

        _time.Advance(Interval - TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Timer.CompletedRuns == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        store.Timer.CompletedRuns.ShouldBe(1);
        (await store.ExpireAsync()).ShouldBe(0, "the timer already removed alice's binding");
        (await store.GetAsync("bob")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Aors_compare_without_case_and_contacts_exactly()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await store.PutAsync(Binding("Alice@Example.org", "sip:alice@10.0.0.1", 60));
        await store.PutAsync(Binding("alice@example.org", "sip:Alice@10.0.0.1", 60));
        (await store.GetAsync("ALICE@EXAMPLE.ORG")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Same_call_id_needs_a_higher_cseq()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 60, cseq: 5));
        (await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 60, cseq: 4))).ShouldBe(PutOutcome.OutOfOrder);
        (await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 60, cseq: 6))).ShouldBe(PutOutcome.Updated);
    }

    [Fact]
    public async Task An_expired_binding_is_replaced_as_a_new_one()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 10, cseq: 5));
        _time.Advance(TimeSpan.FromSeconds(11));
        (await store.PutAsync(Binding("alice", "sip:alice@10.0.0.1", 60, cseq: 1))).ShouldBe(PutOutcome.Inserted);
        (await store.GetAsync("alice")).ShouldHaveSingleItem().CSeq.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_registrations_lose_nothing()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await Parallel.ForAsync(0, 2000, async (i, token) =>
        {
            var aor = $"user{i % 50}";
            await store.PutAsync(Binding(aor, $"sip:{aor}@10.0.{i / 250}.{i % 250}", 60), token);
        });

        for (var user = 0; user < 50; user++)
        {
            (await store.GetAsync($"user{user}")).Count.ShouldBe(40);
        }

        await Parallel.ForAsync(0, 50, async (user, token) =>
        {
            (await store.RemoveAllAsync($"user{user}", token)).ShouldBe(40);
            await store.PutAsync(Binding($"user{user}", "sip:again@10.1.0.1", 60), token);
        });

        for (var user = 0; user < 50; user++)
        {
            (await store.GetAsync($"user{user}")).ShouldHaveSingleItem().Contact.ShouldBe("sip:again@10.1.0.1");
        }
    }

    [Fact]
    public async Task Permanent_bindings_never_expire()
    {
        await using var store = new MemoryLocationStore(_time, Interval);
        await store.PutAsync(Binding("alias", "sip:alice@example.org", 0) with { Flags = ContactBinding.PermanentFlag, Expires = Now });
        _time.Advance(TimeSpan.FromDays(400));
        await store.ExpireAsync();
        (await store.GetAsync("alias")).ShouldHaveSingleItem();
    }

    private ContactBinding Binding(string aor, string contact, int seconds, int cseq = 1) => new()
    {
        Aor = aor,
        Contact = contact,
        Expires = Now.AddSeconds(seconds),
        CallId = "call-1",
        CSeq = cseq,
        LastModified = Now,
    };
}
