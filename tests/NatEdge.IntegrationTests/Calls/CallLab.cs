using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// The guide's stage 1 proxy (config/stage1-hello.cfg) with SIPp callees registered as 1001 and a
/// SIPp caller, all on 127.0.0.1 with ports from <see cref="FreePorts"/>. Every SIPp run is
/// bounded by a call count and a global timeout.
/// </summary>
internal static class CallLab
{
    public static readonly TimeSpan SippTimeout = TimeSpan.FromSeconds(20);

    /// <summary>tm timers short enough for a test: Timers B/F at 1 s, the INVITE timer (Timer C) at 2 s.</summary>
    public const string ShortTimers = "modparam(\"tm\", \"fr_timer\", 1)\nmodparam(\"tm\", \"fr_inv_timer\", 2)";

    /// <summary>Stage 1 with extra module parameters (short tm timers) after its usrloc line.</summary>
    public static Task<ProxyProcess> StartProxyAsync(string modparams = "")
    {
        var config = RegistrarProxy.StageOne();
        if (modparams.Length > 0)
        {
            config = config.Replace("modparam(\"usrloc\", \"db_mode\", 0)", "modparam(\"usrloc\", \"db_mode\", 0)\n" + modparams, StringComparison.Ordinal);
        }

        return RegistrarProxy.StartAsync(config);
    }

    /// <summary>
    /// Registers <paramref name="user"/> at the contact 127.0.0.1:<paramref name="contactPort"/> (a callee that is
    /// about to listen there) reached over <paramref name="contactTransport"/> ("udp" or "tcp").
    /// </summary>
    public static async Task RegisterAsync(ProxyProcess proxy, string user, int contactPort, string callId, string contactTransport = "udp")
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var domain = RegistrarProxy.Domain;
        var request = string.Create(
            CultureInfo.InvariantCulture,
            $"REGISTER sip:{domain}:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-reg-{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\n" +
            $"From: <sip:{user}@{domain}>;tag=reg\r\n" +
            $"To: <sip:{user}@{domain}>\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: 1 REGISTER\r\n" +
            $"Contact: <sip:{user}@127.0.0.1:{contactPort};transport={contactTransport}>\r\n" +
            $"Expires: 600\r\n" +
            $"Content-Length: 0\r\n\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);
        var reply = (await RawSipClient.ReceiveUdpAsync(client)).Text;
        RawSipClient.StatusCode(reply).ShouldBe(200, reply);
    }

    /// <summary>
    /// Starts a SIPp callee scenario listening on <paramref name="port"/> for <paramref name="calls"/> calls,
    /// over SIPp's <paramref name="transport"/> (u1: UDP; t1: TCP, one connection per peer).
    /// </summary>
    public static SippServer StartCallee(string scenario, int port, int calls = 1, TimeSpan? timeout = null, string transport = "u1")
    {
        var limit = timeout ?? SippTimeout;
        var directory = new TempDirectory("natedge-sipp-uas-");
        string[] arguments =
        [
            "-sf", Sipp.Scenario(scenario),
            "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-t", transport,
            "-i", "127.0.0.1",
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-timeout", ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
            "-timeout_error",
            "-nostdin",
            "-trace_err", "-error_file", Path.Combine(directory.Path, "errors.log"),
            "-trace_counts",
        ];
        return new SippServer(ChildProcess.Start(Sipp.Executable, arguments, directory.Path), directory, limit);
    }

    /// <summary>Runs a SIPp caller scenario for one call to <paramref name="callee"/> through the proxy over SIPp's <paramref name="transport"/>.</summary>
    public static Task<SippResult> CallAsync(ProxyProcess proxy, string scenario, string callee, string transport = "u1") =>
        Sipp.RunClientAsync(
            Sipp.Scenario(scenario),
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
            calls: 1,
            transport,
            localAddress: "127.0.0.1",
            SippTimeout,
            ["-s", callee]);

    /// <summary>
    /// A callee registered as <paramref name="user"/> and started with <paramref name="scenario"/> over SIPp's
    /// <paramref name="transport"/>; its Contact names the same transport (t1: transport=tcp).
    /// </summary>
    public static async Task<SippServer> RegisteredCalleeAsync(ProxyProcess proxy, string scenario, string user = "1001", string? registrationCallId = null, string transport = "u1")
    {
        var port = FreePorts.UdpAndTcp();
        var contactTransport = transport.StartsWith('t') ? "tcp" : "udp";
        await RegisterAsync(proxy, user, port, registrationCallId ?? $"reg-{Guid.NewGuid():N}@127.0.0.1", contactTransport);
        var callee = StartCallee(scenario, port, transport: transport);

        // SIPp opens its socket before reading the scenario's first message; a short settle keeps the INVITE from arriving first.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        return callee;
    }
}

/// <summary>A SIPp server-side scenario run; its exit code says whether its call and checks passed.</summary>
internal sealed class SippServer(ChildProcess process, TempDirectory directory, TimeSpan timeout) : IAsyncDisposable
{
    public async Task<SippResult> WaitAsync()
    {
        var exitCode = await process.WaitForExitAsync(timeout + TimeSpan.FromSeconds(10));
        var errors = Path.Combine(directory.Path, "errors.log");
        var errorText = File.Exists(errors) ? await File.ReadAllTextAsync(errors) : string.Empty;
        return new SippResult(exitCode, process.Output, errorText);
    }

    /// <summary>
    /// SIPp's per-message counters after the run (-trace_counts, its last line): column names such
    /// as "5_BYE_Recv" or "5_BYE_Retrans" (retransmissions received, for a recv) to their values.
    /// </summary>
    public IReadOnlyDictionary<string, long> ReadCounts()
    {
        var file = Directory.GetFiles(directory.Path, "*_counts.csv").SingleOrDefault()
            ?? throw new InvalidOperationException($"SIPp wrote no counts file in {directory.Path}");
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
        lines.Length.ShouldBeGreaterThan(1, $"{file} holds no counts");
        var names = lines[0].Split(';');
        var values = lines[^1].Split(';');
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 2; i < Math.Min(names.Length, values.Length); i++)
        {
            if (names[i].Length > 0 && long.TryParse(values[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                counts[names[i]] = value;
            }
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        directory.Dispose();
    }
}
