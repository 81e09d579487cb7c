using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>The guide's first stage as a process: SIPp registers without authentication.</summary>
public sealed class StageOneRegisterProcessTests
{
    [Fact]
    public async Task Sipp_registers_and_the_200_lists_the_contact()
    {
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageOne());

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_uac.xml", calls: 5);

        result.ExitCode.ShouldBe(0, $"SIPp: {result}\nproxy output:\n{proxy.Process.Output}");
        var query = await RegistrarProxy.QueryAsync(proxy, "1000");
        query.ShouldStartWith("SIP/2.0 200 OK\r\n");
        query.ShouldContain("Contact: <sip:1000@127.0.0.1:");
    }

    [Fact]
    public async Task The_authentication_scenario_fails_against_a_proxy_that_does_not_challenge()
    {
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageOne());

        var result = await RegistrarProxy.RegisterAsync(proxy, "register_auth_uac.xml", calls: 2, authUser: "1000", password: "secret1000");

        result.ExitCode.ShouldNotBe(0, "every REGISTER must be challenged once; a proxy without auth answers 200 at once");
        result.Errors.ShouldContain("unexpected message", Case.Insensitive, $"the 200 that came instead of the 401 fails the call: {result}");
    }
}
