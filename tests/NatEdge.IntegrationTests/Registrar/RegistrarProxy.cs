using System.Globalization;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// The shipped guide stages (config/stage1-hello.cfg, config/stage2-auth-db.cfg) run as proxy
/// processes, with only the edits their comments ask for (listen address, db_url) plus the usrloc
/// mode and timers a test needs; and SIPp's REGISTER scenarios from loadtest/sipp/ against them.
/// </summary>
internal static class RegistrarProxy
{
    /// <summary>SIPp puts the proxy's address in To, so that is the realm and the users' domain.</summary>
    public const string Domain = "127.0.0.1";

    private const string GuideDbUrl = "mysql://natedge:secret@localhost/natedge";

    public static string Config(string name) => File.ReadAllText(Path.Combine(BuiltExecutables.RepositoryRoot, "config", name));

    /// <summary>Stage 2 on <paramref name="dbUrl"/> with usrloc <paramref name="dbMode"/> and extra modparams.</summary>
    public static string StageTwo(string dbUrl, int dbMode = 2, string modparams = "")
    {
        var config = Config("stage2-auth-db.cfg");
        config.ShouldContain(GuideDbUrl);
        config.ShouldContain("modparam(\"usrloc\", \"db_mode\", 2)");
        return config
            .Replace(GuideDbUrl, dbUrl, StringComparison.Ordinal)
            .Replace(
                "modparam(\"usrloc\", \"db_mode\", 2)",
                string.Create(CultureInfo.InvariantCulture, $"modparam(\"usrloc\", \"db_mode\", {dbMode})\nmodparam(\"usrloc\", \"timer_interval\", 1)\n{modparams}"),
                StringComparison.Ordinal);
    }

    /// <summary>
    /// Stage 1 with its contacts kept in <paramref name="dbUrl"/> under usrloc <paramref name="dbMode"/>,
    /// its timers (db_mode 2's write-back among them) every <paramref name="timerInterval"/> seconds.
    /// </summary>
    public static string StageOne(string? dbUrl = null, int dbMode = 0, int timerInterval = 1)
    {
        var config = Config("stage1-hello.cfg");
        config.ShouldContain("modparam(\"usrloc\", \"db_mode\", 0)");
        return dbUrl is null
            ? config
            : config.Replace(
                "modparam(\"usrloc\", \"db_mode\", 0)",
                string.Create(CultureInfo.InvariantCulture, $"modparam(\"usrloc\", \"db_mode\", {dbMode})\nmodparam(\"usrloc\", \"db_url\", \"{dbUrl}\")\nmodparam(\"usrloc\", \"timer_interval\", {timerInterval})"),
                StringComparison.Ordinal);
    }

    public static Task<ProxyProcess> StartAsync(string config)
    {
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        return ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "proxy.cfg", "--listen", $"udp:127.0.0.1:{p}", "--listen", $"tcp:127.0.0.1:{p}"],
            port,
            directory => directory.File("proxy.cfg", config));
    }

    /// <summary><c>ctl db init</c> and the subscribers 1000 and 1001 with passwords secret1000 and secret1001.</summary>
    public static async Task PrepareDatabaseAsync(string dbUrl)
    {
        (await ProxyCtl.RunAsync("--db-url", dbUrl, "db", "init")).ExitCode.ShouldBe(0);
        foreach (var user in new[] { "1000", "1001" })
        {
            var added = await ProxyCtl.RunAsync("--db-url", dbUrl, "user", "add", $"{user}@{Domain}", "secret" + user);
            added.ExitCode.ShouldBe(0, added.Error);
        }
    }

    public static Task<SippResult> RegisterAsync(ProxyProcess proxy, string scenario, int calls, string user = "1000", string? authUser = null, string? password = null)
    {
        List<string> extra = ["-s", user];
        if (authUser is not null)
        {
            extra.AddRange(["-au", authUser, "-ap", password!]);
        }

        return Sipp.RunClientAsync(
            Sipp.Scenario(scenario),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            calls,
            "u1",
            localAddress: "127.0.0.1",
            timeout: TimeSpan.FromSeconds(30),
            extra);
    }

    /// <summary>An INVITE from <paramref name="caller"/> to <paramref name="user"/> at the proxy.</summary>
    public static string Invite(System.Net.Sockets.UdpClient caller, ProxyProcess proxy, string user, string from = "caller", int cseq = 1, string extra = "")
    {
        var local = (System.Net.IPEndPoint)caller.Client.LocalEndPoint!;
        return $"INVITE sip:{user}@{Domain}:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-call-{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{from}@{Domain}>;tag=caller\r\n" +
            $"To: <sip:{user}@{Domain}>\r\n" +
            $"Call-ID: call-{local.Port}@127.0.0.1\r\n" +
            $"CSeq: {cseq} INVITE\r\n" +
            $"Contact: <sip:{from}@127.0.0.1:{local.Port}>\r\n" +
            extra +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>A REGISTER without Contact (a query, RFC 3261 10.2.3) answered by the proxy; returns the reply.</summary>
    public static async Task<string> QueryAsync(ProxyProcess proxy, string user)
    {
        using var client = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var local = (System.Net.IPEndPoint)client.Client.LocalEndPoint!;
        var request =
            $"REGISTER sip:{Domain}:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-query-{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{user}@{Domain}>;tag=query\r\n" +
            $"To: <sip:{user}@{Domain}>\r\n" +
            $"Call-ID: query-{Guid.NewGuid():N}@127.0.0.1\r\n" +
            "CSeq: 1 REGISTER\r\n" +
            "Content-Length: 0\r\n\r\n";
        await client.SendAsync(System.Text.Encoding.ASCII.GetBytes(request), proxy.EndPoint);
        return (await RawSipClient.ReceiveUdpAsync(client)).Text;
    }
}
