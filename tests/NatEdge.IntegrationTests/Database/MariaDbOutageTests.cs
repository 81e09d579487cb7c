using System.Diagnostics;
using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;
using Xunit.Abstractions;

namespace NatEdge.IntegrationTests.Database;

/// <summary>
/// The database goes away under a running store and comes back: every operation fails within
/// <see cref="DatabaseOptions.OperationTimeout"/> with a clear message (never hangs), nothing is
/// half-written, and the same objects work again once the server is back.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbOutageTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    /// <summary>The operation ceiling plus room for a loaded two-core machine.</summary>
    private static readonly TimeSpan FailureBound = new DatabaseOptions().OperationTimeout + TimeSpan.FromSeconds(2);

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_stopped_server_fails_fast_and_everything_recovers_when_it_starts_again()
    {
        var url = await fixture.Server.CreateDatabaseAsync();
        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url));
        await SchemaInstaller.InstallAsync(database);
        var subscribers = new SubscriberRepository(database);
        await subscribers.AddAsync(SubscriberSecrets.For("alice", "example.org", "secret"));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var writeThrough = await LocationStores.CreateAsync(UsrlocDbMode.WriteThrough, database, time, TimeSpan.FromSeconds(60));
        await using var writeBack = (WriteBackLocationStore)await LocationStores.CreateAsync(UsrlocDbMode.WriteBack, database, time, TimeSpan.FromSeconds(60), KamailioSchema.AliasesTable);
        await writeThrough.PutAsync(Binding(time, "alice@example.org", cseq: 1));

        await fixture.Server.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var failure = await Should.ThrowAsync<StorageUnavailableException>(() => subscribers.FindAsync("alice", "example.org"));
            output.WriteLine($"subscriber lookup failed after {clock.ElapsedMilliseconds} ms: {failure.Message}");
            clock.Elapsed.ShouldBeLessThan(FailureBound);
            failure.Message.ShouldStartWith($"database unreachable ({DbUrl.Parse(url)}): ");

            clock.Restart();
            await Should.ThrowAsync<StorageUnavailableException>(async () => await writeThrough.PutAsync(Binding(time, "alice@example.org", cseq: 2)));
            clock.Elapsed.ShouldBeLessThan(FailureBound);
            (await writeThrough.GetAsync("alice@example.org")).ShouldHaveSingleItem().CSeq.ShouldBe(1, "a failed write-through leaves memory as it was");

            (await writeBack.PutAsync(Binding(time, "1234@example.org", cseq: 1))).ShouldBe(PutOutcome.Inserted);
            await Should.ThrowAsync<StorageUnavailableException>(async () => await writeBack.FlushAsync());
            writeBack.PendingCount.ShouldBe(1, "a failed flush keeps its changes");

            var verifier = new DigestVerifier(new DatabaseSubscriberLookup(subscribers), new NonceService(time, TimeSpan.FromSeconds(300)));
            var credentials = new DigestCredentials
            {
                Username = "alice",
                Realm = "example.org",
                Nonce = verifier.Nonces.Issue(),
                Uri = "sip:example.org",
                Response = new string('0', 32),
            };
            (await verifier.VerifyAsync(credentials, "REGISTER", "example.org")).ShouldBe(DigestOutcome.StoreUnavailable);

            clock.Restart();
            var ctl = await ProxyCtl.RunAsync("--db-url", url, "user", "list");
            output.WriteLine($"ctl user list with the server down: exit {ctl.ExitCode} after {clock.ElapsedMilliseconds} ms: {ctl.Error.Trim()}");
            ctl.ExitCode.ShouldBe(1);
            ctl.Output.ShouldBeEmpty();
            ctl.Error.ShouldStartWith($"database unreachable ({DbUrl.Parse(url)}): ");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        var recovery = Stopwatch.StartNew();
        (await subscribers.FindAsync("alice", "example.org")).ShouldNotBeNull();
        output.WriteLine($"first lookup after the restart took {recovery.ElapsedMilliseconds} ms");
        (await writeThrough.PutAsync(Binding(time, "alice@example.org", cseq: 2))).ShouldBe(PutOutcome.Updated);
        await writeBack.FlushAsync();
        writeBack.PendingCount.ShouldBe(0);
        (await new LocationRepository(database).LoadAsync("alice@example.org")).ShouldHaveSingleItem().CSeq.ShouldBe(2);
        (await new LocationRepository(database, KamailioSchema.AliasesTable).LoadAsync("1234@example.org")).Count.ShouldBe(1);
        (await ProxyCtl.RunAsync("--db-url", url, "user", "list")).ShouldBe(new ProxyCtl.Result(0, "alice@example.org\n", ""));
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_given_up_on_within_the_operation_timeout()
    {
        var url = await fixture.Server.CreateDatabaseAsync();
        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url));
        await SchemaInstaller.InstallAsync(database);
        var subscribers = new SubscriberRepository(database);
        await subscribers.AddAsync(SubscriberSecrets.For("alice", "example.org", "secret"));

        // SIGSTOP: the port still accepts connections but nothing answers, the worst case for a client.
        await fixture.Server.SignalAsync("STOP");
        try
        {
            var clock = Stopwatch.StartNew();
            var failure = await Should.ThrowAsync<StorageUnavailableException>(() => subscribers.FindAsync("alice", "example.org"));
            output.WriteLine($"lookup against a frozen server failed after {clock.ElapsedMilliseconds} ms: {failure.Message}");
            clock.Elapsed.ShouldBeLessThan(FailureBound);
        }
        finally
        {
            await fixture.Server.SignalAsync("CONT");
        }

        (await subscribers.FindAsync("alice", "example.org")).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_restart_between_two_operations_goes_unnoticed()
    {
        var url = await fixture.Server.CreateDatabaseAsync();
        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url));
        await SchemaInstaller.InstallAsync(database);
        var subscribers = new SubscriberRepository(database);
        await subscribers.AddAsync(SubscriberSecrets.For("alice", "example.org", "secret"));

        // The pool now holds connections to a server process that is about to go away.
        await fixture.Server.StopAsync();
        await fixture.Server.StartAsync();

        (await subscribers.FindAsync("alice", "example.org")).ShouldNotBeNull();
    }

    private static ContactBinding Binding(TimeProvider time, string aor, int cseq) => new()
    {
        Aor = aor,
        Contact = "sip:phone@10.0.0.1:5060",
        Expires = time.GetUtcNow().UtcDateTime.AddHours(1),
        CallId = "outage-call",
        CSeq = cseq,
        LastModified = time.GetUtcNow().UtcDateTime,
    };
}
