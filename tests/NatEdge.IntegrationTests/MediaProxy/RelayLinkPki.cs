using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// An operator CA with a dispatcher certificate and relay certificates, all made by
/// <c>natedge-proxy ctl cert</c> into a temporary directory, as an operator would make them.
/// </summary>
internal sealed class RelayLinkPki : IDisposable
{
    private readonly TempDirectory _directory = new("natedge-pki-");

    private RelayLinkPki()
    {
    }

    public string Directory => _directory.Path;
    public string AuthorityPath => Path.Combine(Directory, "ca", "ca.crt");
    public string DispatcherCertificatePath => Path.Combine(Directory, "proxy.crt");
    public string DispatcherKeyPath => Path.Combine(Directory, "proxy.key");

    public static async Task<RelayLinkPki> CreateAsync(params string[] relays)
    {
        var pki = new RelayLinkPki();
        try
        {
            await pki.CtlAsync("ca", "--out", Path.Combine(pki.Directory, "ca"));
            await pki.CtlAsync("issue", "--ca", Path.Combine(pki.Directory, "ca"), "--name", "proxy", "--role", "dispatcher", "--san", "127.0.0.1", "--out", pki.Directory);
            foreach (var relay in relays)
            {
                await pki.CtlAsync("issue", "--ca", Path.Combine(pki.Directory, "ca"), "--name", relay, "--role", "relay", "--out", pki.Directory);
            }

            return pki;
        }
        catch
        {
            pki.Dispose();
            throw;
        }
    }

    /// <summary>The relay settings that make a relay dial the dispatcher at <paramref name="dispatcherHost"/>:<paramref name="dispatcherPort"/> with this CA's <paramref name="relay"/> certificate; every delay short.</summary>
    public string[] RelayArguments(string relay, int dispatcherPort, string dispatcherHost = "127.0.0.1") =>
    [
        "--dispatchers", $"{dispatcherHost}:{dispatcherPort}",
        "--tls-certificate", Path.Combine(Directory, relay + ".crt"),
        "--tls-private-key", Path.Combine(Directory, relay + ".key"),
        "--tls-ca", AuthorityPath,
        "--first-reconnect-delay", "0.2",
        "--reconnect-delay", "0.5",
        "--keepalive-interval", "1",
    ];

    /// <summary>The mediaproxy modparams that make the proxy a dispatcher on <paramref name="host"/>:<paramref name="port"/>.</summary>
    public string DispatcherModparams(int port, string host = "127.0.0.1") => $"""
        modparam("mediaproxy", "dispatcher_listen", "{host}:{port}")
        modparam("mediaproxy", "dispatcher_certificate", "{DispatcherCertificatePath}")
        modparam("mediaproxy", "dispatcher_private_key", "{DispatcherKeyPath}")
        modparam("mediaproxy", "dispatcher_ca", "{AuthorityPath}")
        modparam("mediaproxy", "dispatcher_relay_timeout", 5000)

        """;

    public void Dispose() => _directory.Dispose();

    private async Task CtlAsync(params string[] arguments)
    {
        await using var ctl = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["ctl", "cert", .. arguments], Directory);
        (await ctl.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, ctl.Output);
    }
}
