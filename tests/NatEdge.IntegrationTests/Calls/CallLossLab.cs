using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// Issue 4's loss lab: the stage 1 proxy and a SIPp caller in the NAT lab's public namespace,
/// callees registered as 1001 in its relay namespace. Once <see cref="StartLoss"/> runs, 10 % of
/// the UDP between the proxy and the callees is dropped in each direction (caller and proxy talk
/// over the public namespace's own address, untouched), so only the proxy's transactions can
/// carry a call through, by retransmitting (RFC 3261 section 17.1: Timers A and E double from T1).
/// </summary>
internal sealed class CallLossLab : IDisposable
{
    public const string Callee = "1001";

    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    // T1 100 ms, T2 400 ms; the transaction timeouts leave room for several retransmissions.
    private const string LossTimers =
        "modparam(\"tm\", \"retr_timer1\", 100)\nmodparam(\"tm\", \"retr_timer2\", 400)\nmodparam(\"tm\", \"fr_timer\", 5)";

    private readonly NatLab _lab = new();

    public string Public => _lab.Public;

    public string Relay => _lab.Relay;

    public void Dispose() => _lab.Dispose();

    /// <summary>The stage 1 proxy on <see cref="NatLab.ProxyHost"/>, with the loss timers and an INVITE timer (Timer C) of <paramref name="inviteTimeoutSeconds"/>.</summary>
    public async Task<LossProxy> StartProxyAsync(int port, int inviteTimeoutSeconds = 5)
    {
        var directory = new TempDirectory("natedge-loss-proxy-");
        var timers = LossTimers + $"\nmodparam(\"tm\", \"fr_inv_timer\", {inviteTimeoutSeconds.ToString(CultureInfo.InvariantCulture)})";
        var config = RegistrarProxy.StageOne().Replace(
            "modparam(\"usrloc\", \"db_mode\", 0)",
            "modparam(\"usrloc\", \"db_mode\", 0)\n" + timers,
            StringComparison.Ordinal);
        var path = directory.File("proxy.cfg", config);
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", _lab.Public, "dotnet", BuiltExecutables.ProxyDll, "run", "--config", path, "--listen", $"udp:{NatLab.ProxyHost}:{Port(port)}"],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        var handle = new LossProxy(process, directory);
        try
        {
            await process.WaitForOutputAsync(ProxyProcess.StartedLine, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await handle.DisposeAsync();
            throw;
        }

        return handle;
    }

    /// <summary>Registers 1001 at <paramref name="contact"/> from the relay namespace; do it before the loss starts.</summary>
    public async Task RegisterCalleeAsync(int proxyPort, string contact)
    {
        using var socket = NetworkNamespace.CreateUdp(_lab.Relay);
        socket.Bind(new IPEndPoint(NatLab.RelayHost, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var domain = NatLab.ProxyHost.ToString();
        var request = string.Create(
            CultureInfo.InvariantCulture,
            $"REGISTER sip:{domain}:{proxyPort} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {local.Address}:{local.Port};branch=z9hG4bK-reg-{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\n" +
            $"From: <sip:{Callee}@{domain}>;tag=reg\r\n" +
            $"To: <sip:{Callee}@{domain}>\r\n" +
            $"Call-ID: reg-{Guid.NewGuid():N}@{local.Address}\r\n" +
            $"CSeq: 1 REGISTER\r\n" +
            $"Contact: <{contact}>\r\n" +
            $"Expires: 600\r\n" +
            $"Content-Length: 0\r\n\r\n");
        await socket.SendToAsync(Encoding.ASCII.GetBytes(request), new IPEndPoint(NatLab.ProxyHost, proxyPort));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(RawSipClient.ReplyTimeout);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var reply = Encoding.ASCII.GetString(buffer, 0, received);
        RawSipClient.StatusCode(reply).ShouldBe(200, reply);
    }

    /// <summary>A callee in the relay namespace on an OS-chosen port; register its <see cref="UdpCallee.Contact"/>.</summary>
    public UdpCallee StartUdpCallee(CalleeAnswer answer, TimeSpan answerDelay)
    {
        var socket = NetworkNamespace.CreateUdp(_lab.Relay);
        socket.Bind(new IPEndPoint(NatLab.RelayHost, 0));
        return new UdpCallee(socket, answer, answerDelay, NatLab.ProxyHost.ToString());
    }

    /// <summary>
    /// Drops 10 % of the UDP each way between the proxy and the relay namespace, and counts
    /// (without dropping) what the proxy sends there: every request plus every retransmission.
    /// </summary>
    public void StartLoss()
    {
        // Both directions are lost on receipt: a DROP in OUTPUT would make the callee's sendto()
        // fail with EPERM, which SIPp takes as the end of the call rather than as a lost packet.
        AddLoss(_lab.Relay);
        AddLoss(_lab.Public, "-s", NatLab.RelayHost.ToString());
        NatLab.Exec(_lab.Public, "iptables", "-A", "OUTPUT", "-p", "udp", "-d", NatLab.RelayHost.ToString(), "-j", "ACCEPT");
    }

    /// <summary>The packets the loss rules dropped, toward the callees (relay) and from them (public).</summary>
    public long DroppedPackets() => DroppedTowardCallees() + DroppedPackets(_lab.Public);

    /// <summary>The packets from the proxy that the loss rule in the callees' namespace dropped.</summary>
    public long DroppedTowardCallees() => DroppedPackets(_lab.Relay);

    /// <summary>The packets the proxy sent toward the callees, dropped ones included.</summary>
    public long SentToCallee()
    {
        var listing = NatLab.Exec(_lab.Public, "iptables", "-L", "OUTPUT", "-v", "-n", "-x");
        var rule = Regex.Match(listing, @"^\s*(\d+)\s+\d+\s+ACCEPT\s", RegexOptions.Multiline);
        rule.Success.ShouldBeTrue(listing);
        return long.Parse(rule.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A SIPp caller in the public namespace calling 1001 through the proxy, at most <paramref name="concurrentCalls"/> calls at a time.</summary>
    public static string[] CallerArguments(int proxyPort, string scenario, TempDirectory directory, int concurrentCalls = 1) =>
    [
        $"{NatLab.ProxyHost}:{Port(proxyPort)}",
        "-sf", Sipp.Scenario(scenario),
        "-s", Callee,
        "-i", NatLab.ProxyHost.ToString(),
        "-p", Port(FreePorts.UdpAndTcp()),
        "-l", concurrentCalls.ToString(CultureInfo.InvariantCulture),
        "-recv_timeout", "10000",
        "-trace_msg", "-message_file", Path.Combine(directory.Path, "messages.log"),
    ];

    public static ChildProcess StartSipp(string ns, TempDirectory directory, IEnumerable<string> scenarioArguments, int calls) =>
        ChildProcess.Start(
            "ip",
            [
                "netns", "exec", ns, Sipp.Executable,
                .. scenarioArguments,
                "-m", calls.ToString(CultureInfo.InvariantCulture),
                "-t", "u1",
                "-timeout", ((int)RunTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
                "-timeout_error",
                "-nostdin",
                "-trace_err", "-error_file", Path.Combine(directory.Path, "errors.log"),
            ],
            directory.Path);

    public static string ReadIfPresent(TempDirectory directory, string name)
    {
        var path = Path.Combine(directory.Path, name);
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    /// <summary>The requests of <paramref name="method"/> in a SIPp message log.</summary>
    public static int CountRequestLines(string log, string method) =>
        Regex.Count(log, $"^{method} sip:", RegexOptions.Multiline);

    /// <summary>The responses with status <paramref name="code"/> in a SIPp message log.</summary>
    public static int Responses(string log, int code) =>
        Regex.Count(log, $"^SIP/2\\.0 {code.ToString(CultureInfo.InvariantCulture)} ", RegexOptions.Multiline);

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static void AddLoss(string ns, params string[] match) =>
        NatLab.Exec(ns, ["iptables", "-A", "INPUT", "-p", "udp", .. match, "-m", "statistic", "--mode", "random", "--probability", "0.1", "-j", "DROP"]);

    private static long DroppedPackets(string ns)
    {
        var listing = NatLab.Exec(ns, "iptables", "-L", "-v", "-n", "-x");
        long total = 0;
        foreach (Match rule in Regex.Matches(listing, @"^\s*(\d+)\s+\d+\s+DROP\s", RegexOptions.Multiline))
        {
            total += long.Parse(rule.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }
}

/// <summary>The proxy process inside the lab and its working directory.</summary>
internal sealed class LossProxy(ChildProcess process, TempDirectory directory) : IAsyncDisposable
{
    /// <summary>The end of the proxy's output, for a failing test's message.</summary>
    public string OutputTail
    {
        get
        {
            var output = process.Output;
            return output.Length > 3000 ? output[^3000..] : output;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        directory.Dispose();
    }
}
