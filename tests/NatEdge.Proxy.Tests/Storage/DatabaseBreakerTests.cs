using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Storage;

namespace NatEdge.Proxy.Tests.Storage;

/// <summary>
/// A MySQL server that refuses connections (a loopback port nobody listens on): after three
/// failed operations the breaker answers the next ones without dialling, and once its break is
/// over one operation dials again.
/// </summary>
public sealed class DatabaseBreakerTests
{
    private const string RefusedPrefix = "database unreachable (";
    private const string BreakerMarker = "it failed every recent operation";

    [Fact]
    public async Task Three_refused_operations_open_the_breaker_and_it_probes_again_after_its_break()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var database = Database.Open(
            DbUrl.Parse($"mysql://natedge:pw@127.0.0.1:{ClosedPort()}/natedge"),
            new DatabaseOptions { TimeProvider = clock, RetryDelay = TimeSpan.Zero, MaxRetries = 1, BreakDuration = TimeSpan.FromSeconds(1) });

        for (var i = 0; i < 3; i++)
        {
            var refused = await Should.ThrowAsync<StorageUnavailableException>(() => database.TableExistsAsync("location"));
            refused.Message.ShouldStartWith(RefusedPrefix);
            refused.Message.ShouldNotContain(BreakerMarker);
        }

        var broken = await Should.ThrowAsync<StorageUnavailableException>(() => database.TableExistsAsync("location"));
        broken.Message.ShouldContain(BreakerMarker);

        clock.Advance(TimeSpan.FromSeconds(1.1));
        var probe = await Should.ThrowAsync<StorageUnavailableException>(() => database.TableExistsAsync("location"));
        probe.Message.ShouldNotContain(BreakerMarker, Case.Sensitive, "after the break one operation must reach for the server again");
    }

    [Fact]
    public async Task Failures_spread_wider_than_the_sampling_window_leave_the_breaker_closed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var database = Database.Open(
            DbUrl.Parse($"mysql://natedge:pw@127.0.0.1:{ClosedPort()}/natedge"),
            new DatabaseOptions { TimeProvider = clock, RetryDelay = TimeSpan.Zero, MaxRetries = 1 });

        for (var i = 0; i < 5; i++)
        {
            var refused = await Should.ThrowAsync<StorageUnavailableException>(() => database.TableExistsAsync("location"));
            refused.Message.ShouldNotContain(BreakerMarker);
            clock.Advance(TimeSpan.FromSeconds(3));
        }
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
