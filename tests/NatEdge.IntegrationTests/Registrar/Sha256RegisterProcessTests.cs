using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// SHA-256 digest (RFC 7616, RFC 8760) end to end: SIPp only speaks MD5, so a small phone of the
/// test's own reads the proxy's challenges, answers the SHA-256 one and registers.
/// </summary>
public sealed class Sha256RegisterProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new("natedge-sha256-");

    [Fact]
    public async Task A_phone_answering_the_sha256_challenge_registers()
    {
        var url = "sqlite:" + Path.Combine(_directory.Path, "ser.db");
        await RegistrarProxy.PrepareDatabaseAsync(url);
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url, modparams: "modparam(\"auth\", \"algorithm\", \"SHA-256,MD5\")"));
        using var phone = new DigestPhone(proxy, "1000", "secret1000");

        var challenge = await phone.RegisterAsync();
        challenge.ShouldStartWith("SIP/2.0 401 ");
        var offers = DigestPhone.Challenges(challenge);
        offers.Count.ShouldBe(2, challenge);
        offers[0].ShouldContain("algorithm=SHA-256", customMessage: "RFC 8760: the preferred algorithm first");
        offers[1].ShouldContain("algorithm=MD5");

        var answer = await phone.RegisterAsync(phone.Answer(offers[0], "SHA-256"));

        answer.ShouldStartWith("SIP/2.0 200 OK\r\n", customMessage: proxy.Process.Output);
        answer.ShouldContain($"Contact: <sip:1000@127.0.0.1:{phone.Port}>;expires=3600\r\n");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
