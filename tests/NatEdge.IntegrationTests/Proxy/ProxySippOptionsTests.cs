using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Proxy;

/// <summary>SIPp's OPTIONS scenario (loadtest/sipp/options_uac.xml) against the running proxy.</summary>
public class ProxySippOptionsTests
{
    [Theory]
    [InlineData("u1", "UDP")]
    [InlineData("t1", "TCP")]
    public async Task Sipp_options_to_the_proxy_get_200(string sippTransport, string name)
    {
        await using var proxy = await ProxyProcess.StartAsync();

        var result = await Sipp.RunClientAsync(
            Sipp.Scenario("options_uac.xml"),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            calls: 20,
            sippTransport,
            localAddress: "127.0.0.1",
            timeout: TimeSpan.FromSeconds(20));

        result.ExitCode.ShouldBe(0, $"SIPp over {name}: {result}\nproxy output:\n{proxy.Process.Output}");
        (await proxy.StopAsync()).ShouldBe(0);
    }
}
