using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using NatEdge.MediaRelay.Control;
using NatEdge.MediaRelay.Discovery;
using NatEdge.MediaRelay.Tests.Sessions;
using NatEdge.Shared.Security;

namespace NatEdge.MediaRelay.Tests.Control;

/// <summary>The relay's set of dispatcher links as DNS answers change, against dispatchers played by the test.</summary>
public sealed class DispatcherDirectoryTests : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(200);
    private static readonly DnsEndPoint Entry = new("lab.test", 25060);
    private readonly LinkCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task A_dispatcher_added_to_the_answer_is_dialled_and_one_removed_is_let_go()
    {
        using var a = new FakeDispatcher(_certificates.Dispatcher, _certificates.Authority);
        using var b = new FakeDispatcher(_certificates.Dispatcher, _certificates.Authority);
        var resolver = new ScriptedResolver(Answer([Target("pa", a)]));
        await using var relay = Start(resolver, 29200, 29232);
        using var linkA = await a.AcceptAsync();

        resolver.Next = Answer([Target("pa", a), Target("pb", b)]);
        using var linkB = await b.AcceptAsync();

        resolver.Next = Answer([Target("pb", b)]);
        string? line;
        while ((line = await linkA.ReadReplyAsync()) is not null) line.ShouldBe("pong");

        // The link leaves the directory when it has ended, just after its connection closed.
        await DispatcherHarnessWait.UntilAsync(() => relay.Directory.Links.Select(l => l.Target.Name).SequenceEqual(["pb"]));
        (await linkB.ReadLineAsync()).ShouldBe("ping", "the link to the dispatcher still in the answer stays up");
    }

    [Fact]
    public async Task A_failed_lookup_keeps_the_links_of_the_last_good_answer()
    {
        using var a = new FakeDispatcher(_certificates.Dispatcher, _certificates.Authority);
        var resolver = new ScriptedResolver(Answer([Target("pa", a)]));
        await using var relay = Start(resolver, 29240, 29272);
        using var linkA = await a.AcceptAsync();

        resolver.Next = DispatcherResolution.Failed("SRV query for _sip._udp.lab.test failed: timed out");
        var before = resolver.Lookups;
        await DispatcherHarnessWait.UntilAsync(() => resolver.Lookups >= before + 3);

        var link = relay.Directory.Links.ShouldHaveSingleItem();
        link.IsRetired.ShouldBeFalse();
        link.Reachability.ShouldBe(LinkReachability.Connected);
        (await linkA.ReadLineAsync()).ShouldBe("ping", "the relay is still talking on the link");
    }

    [Fact]
    public async Task The_next_priority_is_dialled_once_the_better_one_does_not_answer()
    {
        using var backup = new FakeDispatcher(_certificates.Dispatcher, _certificates.Authority);
        var closed = ClosedPort();
        var resolver = new ScriptedResolver(DispatcherResolution.Of([[new DispatcherTarget("down", closed, [IPAddress.Loopback])], [Target("backup", backup)]]));
        await using var relay = Start(resolver, 29280, 29312);

        using var link = await backup.AcceptAsync();

        relay.Directory.Links.Select(l => l.Target.Name).Order().ToList().ShouldBe(["backup", "down"], customMessage: "the better one is still dialled, to take over when it answers");
    }

    private static DispatcherTarget Target(string name, FakeDispatcher dispatcher) => new(name, dispatcher.EndPoint.Port, [IPAddress.Loopback]);

    private static DispatcherResolution Answer(IReadOnlyList<DispatcherTarget> group) => DispatcherResolution.Of([group]);

    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private DirectoryRelay Start(IDispatcherResolver resolver, int low, int high)
    {
        var relay = new RelayFixture(low, high);
        var options = relay.Options with
        {
            Dispatchers = [Entry],
            DnsCheckInterval = CheckInterval,
            KeepaliveInterval = TimeSpan.FromMilliseconds(200),
            FirstReconnectDelay = TimeSpan.FromMilliseconds(100),
            ReconnectDelay = TimeSpan.FromMilliseconds(300),
        };
        var directory = new DispatcherDirectory(options, _certificates.Relay, _certificates.Authority, new ControlDispatcher(relay.Table, "test"), TimeProvider.System, new DispatcherLinkCount(), resolver);
        directory.Start();
        return new DirectoryRelay(relay, directory);
    }

    /// <summary>Answers every lookup with whatever the test last set.</summary>
    private sealed class ScriptedResolver(DispatcherResolution first) : IDispatcherResolver
    {
        private int _lookups;

        public DispatcherResolution Next { get; set; } = first;

        public int Lookups => Volatile.Read(ref _lookups);

        public Task<DispatcherResolution> ResolveAsync(DnsEndPoint entry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            return Task.FromResult(Next);
        }
    }

    private sealed class DirectoryRelay(RelayFixture relay, DispatcherDirectory directory) : IAsyncDisposable
    {
        public DispatcherDirectory Directory => directory;

        public async ValueTask DisposeAsync()
        {
            await directory.DisposeAsync();
            relay.Dispose();
        }
    }

    private static class DispatcherHarnessWait
    {
        public static async Task UntilAsync(Func<bool> condition)
        {
            for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
            condition().ShouldBeTrue();
        }
    }
}
