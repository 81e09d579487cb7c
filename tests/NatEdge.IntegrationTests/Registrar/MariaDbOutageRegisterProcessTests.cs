using System.Diagnostics;
using NatEdge.IntegrationTests.Database;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// The database stops under a running stage-2 proxy (db_mode 3, so every REGISTER reads and
/// writes it): authenticated REGISTERs are answered 500 well within Timer F (32 s), never left
/// hanging, and succeed again within 5 s of the database coming back.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbOutageRegisterProcessTests(MariaDbFixture fixture)
{
    [Fact]
    public async Task A_register_during_an_outage_gets_500_and_registers_again_once_the_database_is_back()
    {
        var url = await fixture.Server.CreateDatabaseAsync();
        await RegistrarProxy.PrepareDatabaseAsync(url);
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url, dbMode: 3));
        using var phone = new DigestPhone(proxy, "1000", "secret1000");
        var challenge = DigestPhone.Challenges(await phone.RegisterAsync()).ShouldHaveSingleItem();
        (await phone.RegisterAsync(phone.Answer(challenge))).ShouldStartWith("SIP/2.0 200 OK\r\n");

        await fixture.Server.StopAsync();
        try
        {
            var fresh = DigestPhone.Challenges(await phone.RegisterAsync()).ShouldHaveSingleItem();
            var clock = Stopwatch.StartNew();
            var during = await phone.RegisterAsync(phone.Answer(fresh));
            clock.Stop();

            during.ShouldStartWith("SIP/2.0 500 ");
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(32), "Timer F: the phone must hear back before its transaction gives up");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        var back = Stopwatch.StartNew();
        string reply;
        do
        {
            var again = DigestPhone.Challenges(await phone.RegisterAsync()).ShouldHaveSingleItem();
            reply = await phone.RegisterAsync(phone.Answer(again));
        }
        while (!reply.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && back.Elapsed < TimeSpan.FromSeconds(5));

        reply.ShouldStartWith("SIP/2.0 200 OK\r\n", customMessage: $"not registered {back.Elapsed.TotalSeconds:F1} s after the database returned\n{proxy.Process.Output}");
    }
}
