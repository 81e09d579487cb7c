using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// The guide's second stage as a process over a real database (SQLite file or MariaDB): SIPp's
/// [authentication] against subscribers added with ctl, challenges counted by the scenarios (the
/// 401 is required before the 200), stale nonces, check_to, and registrations that survive a
/// SIGKILL (db_mode 1 and 2) or are shared by two proxies (db_mode 3).
/// </summary>
public abstract class RegistrarProcessContract
{
    protected abstract Task<string> NewDbUrlAsync();

    private async Task<string> PreparedDbUrlAsync()
    {
        var url = await NewDbUrlAsync();
        await RegistrarProxy.PrepareDatabaseAsync(url);
        return url;
    }

    [Fact]
    public async Task The_right_password_registers_after_exactly_one_challenge_per_register()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url));

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_auth_uac.xml", calls: 5, authUser: "1000", password: "secret1000");

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task A_wrong_password_is_challenged_again()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url));

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_auth_wrong_password_uac.xml", calls: 3, authUser: "1000", password: "not-the-password");

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task An_expired_nonce_is_challenged_with_stale_true_and_the_fresh_one_registers()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url, modparams: "modparam(\"auth\", \"nonce_expire\", 1)"));

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_auth_stale_uac.xml", calls: 2, authUser: "1000", password: "secret1000");

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
    }

    [Fact]
    public async Task Registering_as_1000_with_the_credentials_of_1001_is_forbidden_by_check_to()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url));

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_auth_forbidden_uac.xml", calls: 2, user: "1000", authUser: "1001", password: "secret1001");

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
        (await ProxyCtl.RunAsync("--db-url", url, "ul", "show")).Output.ShouldNotContain("sip:1000@");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_registration_survives_sigkill_and_restart(int dbMode)
    {
        var url = await PreparedDbUrlAsync();
        var config = RegistrarProxy.StageOne(url, dbMode);
        await using (var first = await RegistrarProxy.StartAsync(config))
        {
            var result = await RegistrarProxy.RegisterAsync(first, "register_uac.xml", calls: 1);
            result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{first.Process.Output}");

            // db_mode 2 writes back on its timer (timer_interval 1 s): wait until the row is there, then kill.
            await WaitForBindingInDatabaseAsync(url);
            first.Process.Signal("KILL");
            await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await using var restarted = await RegistrarProxy.StartAsync(config);
        var query = await RegistrarProxy.QueryAsync(restarted, "1000");
        query.ShouldStartWith("SIP/2.0 200 OK\r\n");
        query.ShouldContain("Contact: <sip:1000@127.0.0.1:");
    }

    [Fact]
    public async Task With_db_mode_3_two_proxies_share_registrations()
    {
        var url = await PreparedDbUrlAsync();
        var config = RegistrarProxy.StageOne(url, dbMode: 3);
        await using var first = await RegistrarProxy.StartAsync(config);
        await using var second = await RegistrarProxy.StartAsync(config);
        first.Port.ShouldNotBe(second.Port);

        var result = await RegistrarProxy.RegisterAsync(first, "register_uac.xml", calls: 1);
        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{first.Process.Output}");

        var query = await RegistrarProxy.QueryAsync(second, "1000");
        query.ShouldStartWith("SIP/2.0 200 OK\r\n");
        query.ShouldContain("Contact: <sip:1000@127.0.0.1:");
    }

    private static async Task WaitForBindingInDatabaseAsync(string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var shown = await ProxyCtl.RunAsync("--db-url", url, "ul", "show");
            if (shown.Output.Contains("sip:1000@127.0.0.1:", StringComparison.Ordinal))
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the binding never reached the database: {shown.Output}{shown.Error}");
            await Task.Delay(200);
        }
    }
}

public sealed class SqliteRegistrarProcessTests : RegistrarProcessContract, IDisposable
{
    private readonly TempDirectory _directory = new("natedge-registrar-");

    protected override Task<string> NewDbUrlAsync() =>
        Task.FromResult("sqlite:" + Path.Combine(_directory.Path, Guid.NewGuid().ToString("N") + ".db"));

    public void Dispose() => _directory.Dispose();
}

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbRegistrarProcessTests(MariaDbFixture fixture) : RegistrarProcessContract
{
    protected override Task<string> NewDbUrlAsync() => fixture.Server.CreateDatabaseAsync();
}
