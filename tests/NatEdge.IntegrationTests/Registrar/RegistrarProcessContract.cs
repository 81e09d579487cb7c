using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// The guide's second stage as a process over a real database (SQLite file or MariaDB): SIPp's
/// [authentication] against subscribers added with ctl, challenges counted by the scenarios (the
/// 401 is required before the 200), stale nonces, check_to, and registrations that survive a
/// SIGKILL (db_mode 1 and 2), are written back at SIGTERM (db_mode 2) or are shared by two proxies (db_mode 3).
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
    public async Task A_call_reaches_a_phone_registered_before_a_sigkill_and_restart(int dbMode)
    {
        var url = await PreparedDbUrlAsync();
        var config = RegistrarProxy.StageOne(url, dbMode);
        var first = await RegistrarProxy.StartAsync(config);
        using var phone = new DigestPhone(first, "1000", "unused");
        await using (first)
        {
            (await phone.RegisterAsync()).ShouldStartWith("SIP/2.0 200 OK\r\n");

            // db_mode 2 writes back on its timer (timer_interval 1 s): wait until the row is there, then kill.
            await WaitForBindingInDatabaseAsync(url);
            first.Process.Signal("KILL");
            await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await using var restarted = await RegistrarProxy.StartAsync(config);
        var query = await RegistrarProxy.QueryAsync(restarted, "1000");
        query.ShouldStartWith("SIP/2.0 200 OK\r\n");
        query.ShouldContain($"Contact: <sip:1000@127.0.0.1:{phone.Port}>");

        using var caller = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        await caller.SendAsync(System.Text.Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, restarted, "1000")), restarted.EndPoint);

        var relayed = await phone.ReceiveAsync();
        relayed.ShouldStartWith($"INVITE sip:1000@127.0.0.1:{phone.Port} SIP/2.0\r\n", customMessage: restarted.Process.Output);
    }

    [Fact]
    public async Task With_db_mode_2_a_registration_not_yet_written_back_is_flushed_at_sigterm()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageOne(url, dbMode: 2, timerInterval: 600));
        using var phone = new DigestPhone(proxy, "1000", "unused");
        (await phone.RegisterAsync()).ShouldStartWith("SIP/2.0 200 OK\r\n");
        (await ProxyCtl.RunAsync("--db-url", url, "ul", "show")).Output.ShouldNotContain("sip:1000@", customMessage: "write-back waits for its timer, 600 s away");

        (await proxy.StopAsync()).ShouldBe(0, proxy.Process.Output);

        var table = await ProxyCtl.RunAsync("--db-url", url, "ul", "show");
        table.ExitCode.ShouldBe(0, table.Error + proxy.Process.Output);
        table.Output.ShouldContain($"1000:\n  <sip:1000@127.0.0.1:{phone.Port}>", customMessage: "the contact written at SIGTERM");
    }

    [Fact]
    public async Task An_invite_is_challenged_407_then_reaches_the_callee_without_its_credentials()
    {
        var url = await PreparedDbUrlAsync();
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url));
        using var callee = new DigestPhone(proxy, "1000", "secret1000");
        var challenge = DigestPhone.Challenges(await callee.RegisterAsync()).ShouldHaveSingleItem();
        (await callee.RegisterAsync(callee.Answer(challenge))).ShouldStartWith("SIP/2.0 200 OK\r\n");
        using var caller = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var requestUri = $"sip:1000@{RegistrarProxy.Domain}:{proxy.Port}";

        await caller.SendAsync(System.Text.Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, proxy, "1000", from: "1001", cseq: 1)), proxy.EndPoint);
        var refused = await FinalReplyAsync(caller);
        refused.ShouldStartWith("SIP/2.0 407 Proxy Authentication Required\r\n");
        var offer = DigestPhone.ProxyChallenges(refused).ShouldHaveSingleItem();

        var credentials = DigestPhone.Credentials("Proxy-Authorization", "INVITE", requestUri, "1001", "secret1001", offer);
        await caller.SendAsync(System.Text.Encoding.ASCII.GetBytes(RegistrarProxy.Invite(caller, proxy, "1000", from: "1001", cseq: 2, extra: credentials)), proxy.EndPoint);

        var relayed = await callee.ReceiveAsync();
        relayed.ShouldStartWith($"INVITE sip:1000@127.0.0.1:{callee.Port} SIP/2.0\r\n", customMessage: proxy.Process.Output);
        relayed.ShouldNotContain("Proxy-Authorization", customMessage: "consume_credentials removes them before relaying");
    }

    private static async Task<string> FinalReplyAsync(System.Net.Sockets.UdpClient client)
    {
        for (var i = 0; i < 5; i++)
        {
            var (text, _) = await RawSipClient.ReceiveUdpAsync(client, TimeSpan.FromSeconds(10));
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return text;
            }
        }

        throw new ShouldAssertException("no final reply after five provisional ones");
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
