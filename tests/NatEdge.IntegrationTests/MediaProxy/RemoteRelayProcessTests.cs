using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// Relays on their own hosts (issue 8), on loopback: natedge-relay processes dial the proxy's dispatcher
/// over mutual TLS with certificates from <c>ctl cert</c>; calls through the proxy get their SDP rewritten
/// to the remote relay and their RTP relayed by it. The proxy's <c>mediaproxy_socket</c> names no socket,
/// so media can only come from a remote relay.
/// </summary>
public sealed class RemoteRelayProcessTests
{
    // Each relay's range holds 25 streams (two port pairs each): all twenty-three calls of the busiest test.
    private const int RelayALow = 26100;
    private const int RelayAHigh = 26199;
    private const int RelayBLow = 26200;
    private const int RelayBHigh = 26299;
    private const int LocalLow = 26300;
    private const int LocalHigh = 26339;
    private const int CalleeMediaPort = 26390;
    private const int Packets = 30;
    private static readonly TimeSpan LinkWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_call_gets_its_media_through_a_relay_that_dialled_the_proxy_over_mutual_TLS()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a");
        var dispatcherPort = FreePorts.UdpAndTcp();
        var monitorPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        await using var relay = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", [.. pki.RelayArguments("relay-a", dispatcherPort), "--metrics", $"127.0.0.1:{monitorPort}"]);
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);
        using var scrape = new Relay.MonitorScrape(monitorPort);
        var samples = await Operations.ProxyMetricsProcessTests.WaitForAsync(scrape, s => s.GetValueOrDefault("natedge_relay_dispatchers_connected") == 1);
        samples["natedge_relay_dispatchers_connected"].ShouldBe(1, "the relay counts its link to the proxy");
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: 1);

        var relayed = await CallAndExchangeMediaAsync(proxy, calleePort, relay.Stderr);

        relayed.Port.ShouldBeInRange(RelayALow, RelayAHigh, "the answer's SDP points at the remote relay");
        (await relay.SessionsAsync()).GetArrayLength().ShouldBe(0, "end_media_session() on the BYE removed the session through the dispatcher");
        using var accounting = JsonDocument.Parse(relay.AccountingLines().ShouldHaveSingleItem());
        accounting.RootElement.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
        var stream = accounting.RootElement.GetProperty("streams").EnumerateArray().ShouldHaveSingleItem();
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(Packets);
        stream.GetProperty("callee_packets").GetInt64().ShouldBe(Packets);
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Fact]
    public async Task A_call_on_the_local_relay_stays_there_when_a_remote_relay_connects_and_new_calls_go_remote()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var local = await RelayProcess.StartAsync($"{LocalLow}-{LocalHigh}");
        await using var proxy = await StartProxyAsync(pki, dispatcherPort, local.SocketPath);
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: 2);
        var (running, runningRelayed) = await AnsweredCallAsync(proxy, calleePort, local.Stderr);
        using (running)
        {
            runningRelayed.Port.ShouldBeInRange(LocalLow, LocalHigh, "with no remote relay connected the module's socket serves");
            await using var remote = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", pki.RelayArguments("relay-a", dispatcherPort));
            await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);

            await ExchangeMediaAsync(running, runningRelayed);
            (await running.ByeAsync()).ShouldBe(200);
            (await local.SessionsAsync()).GetArrayLength().ShouldBe(0, "the call's remove went to the relay that holds it");

            var next = await CallAndExchangeMediaAsync(proxy, calleePort, remote.Stderr);
            next.Port.ShouldBeInRange(RelayALow, RelayAHigh, "new calls go to the connected remote relay");
            (await remote.SessionsAsync()).GetArrayLength().ShouldBe(0);
        }

        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Fact]
    public async Task A_relay_with_a_certificate_from_another_CA_is_refused_and_logged()
    {
        using var pki = await RelayLinkPki.CreateAsync();
        using var otherPki = await RelayLinkPki.CreateAsync("relay-x");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);

        await using var relay = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", otherPki.RelayArguments("relay-x", dispatcherPort));

        var refusal = await proxy.Process.WaitForOutputAsync("refused", LinkWait);
        refusal.ShouldContain("CN=relay-x");
        await Task.Delay(1500);   // the relay dials again after 0.2 s and 0.5 s: every attempt is refused
        proxy.Process.Output.ShouldNotContain("connected from");
        relay.Stderr.ShouldContain($"dispatcher 127.0.0.1:{dispatcherPort}");
    }

    [Fact]
    public async Task A_TLS_client_presenting_no_certificate_is_refused_and_logged()
    {
        using var pki = await RelayLinkPki.CreateAsync();
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, dispatcherPort);
        using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        using var authority = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(pki.AuthorityPath);

        var answered = 0;
        try
        {
            // Under TLS 1.3 the client may finish its side of the handshake before the server has
            // judged the missing certificate; the refusal then shows as a connection closed unanswered.
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "natedge-dispatcher",
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    NatEdge.Shared.Security.RelayLinkCertificates.Verify(certificate, authority, NatEdge.Shared.Security.RelayLinkRole.Dispatcher, out _),
            });
            await tls.WriteAsync("update 0\r\ntype: request\r\ncall_id: anonymous\r\ncseq: 1\r\nfrom_tag: t\r\nmedia: audio:127.0.0.1:4000:sendrecv\r\n\r\n"u8.ToArray());
            answered = await tls.ReadAsync(new byte[4096]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
        }

        answered.ShouldBe(0, "the dispatcher answers nothing to a relay without a certificate");
        (await proxy.Process.WaitForOutputAsync("refused", LinkWait)).ShouldContain("no certificate presented");
        proxy.Process.Output.ShouldNotContain("connected from");
    }

    [Fact]
    public async Task A_plain_TCP_client_sending_update_to_the_dispatcher_port_gets_nothing()
    {
        using var pki = await RelayLinkPki.CreateAsync();
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, dispatcherPort);
        var stream = tcp.GetStream();

        await stream.WriteAsync("update 0\r\ntype: request\r\ncall_id: plain\r\ncseq: 1\r\nfrom_uri: a@x\r\nto_uri: b@x\r\nfrom_tag: t\r\nuser_agent: u\r\nmedia: audio:127.0.0.1:4000:sendrecv\r\n\r\n"u8.ToArray());

        var buffer = new byte[4096];
        var total = 0;
        for (var reads = 0; reads < 100; reads++)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0) break;
            total += read;
        }

        total.ShouldBe(0, "the dispatcher closes the connection without answering");
        (await proxy.Process.WaitForOutputAsync("refused", LinkWait)).ShouldContain("no TLS handshake");
    }

    [Fact]
    public async Task When_a_relay_is_killed_new_calls_go_to_the_other_one()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a", "relay-b");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        await using var relays = await RelayPair.StartAsync(proxy, pki, dispatcherPort);
        var (relayA, relayB) = (relays.A, relays.B);
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: 4);

        var first = await CallAndExchangeMediaAsync(proxy, calleePort, relayA.Stderr + relayB.Stderr);
        var firstOnA = first.Port is >= RelayALow and <= RelayAHigh;
        var (killed, survivor) = firstOnA ? (relayA, relayB) : (relayB, relayA);
        var (survivorLow, survivorHigh) = firstOnA ? (RelayBLow, RelayBHigh) : (RelayALow, RelayAHigh);
        await killed.KillAsync();
        await proxy.Process.WaitForOutputAsync($"Relay CN={(firstOnA ? "relay-a" : "relay-b")} at", LinkWait);

        for (var call = 0; call < 2; call++)
        {
            var next = await CallAndExchangeMediaAsync(proxy, calleePort, survivor.Stderr);
            next.Port.ShouldBeInRange(survivorLow, survivorHigh, "after the kill every new call goes to the surviving relay");
        }

        // The killed relay comes back with the same certificate: once the survivor goes, calls go to it.
        var killedName = firstOnA ? "relay-a" : "relay-b";
        var (killedLow, killedHigh) = firstOnA ? (RelayALow, RelayAHigh) : (RelayBLow, RelayBHigh);
        await using var restarted = await RelayProcess.StartAsync($"{killedLow}-{killedHigh}", pki.RelayArguments(killedName, dispatcherPort));
        await WaitForOccurrencesAsync(proxy.Process, $"Relay CN={killedName} connected", 2);
        await survivor.KillAsync();
        await WaitForOccurrencesAsync(proxy.Process, "disconnected", 2);

        var afterRestart = await CallAndExchangeMediaAsync(proxy, calleePort, restarted.Stderr);
        afterRestart.Port.ShouldBeInRange(killedLow, killedHigh, "the restarted relay takes calls again");
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Fact]
    public async Task Twenty_calls_spread_over_two_relays_and_when_one_is_killed_the_others_keep_media_and_new_calls_go_to_the_survivor()
    {
        const int Calls = 20;
        const int NewCalls = 3;
        const int FewPackets = 5;
        using var pki = await RelayLinkPki.CreateAsync("relay-a", "relay-b");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        await using var relays = await RelayPair.StartAsync(proxy, pki, dispatcherPort);
        var (relayA, relayB) = (relays.A, relays.B);
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: Calls + NewCalls);
        var calls = new List<(MediaCallParty Caller, IPEndPoint Relayed)>();
        try
        {
            for (var i = 0; i < Calls; i++)
            {
                calls.Add(await AnsweredCallAsync(proxy, calleePort, relayA.Stderr + relayB.Stderr));
            }

            bool OnA(IPEndPoint relayed) => relayed.Port is >= RelayALow and <= RelayAHigh;
            var onA = calls.Count(call => OnA(call.Relayed));
            onA.ShouldBeInRange(1, Calls - 1, "new sessions are shared among the active relays");
            calls.Count(call => call.Relayed.Port is >= RelayBLow and <= RelayBHigh).ShouldBe(Calls - onA);

            await relayA.KillAsync();
            await proxy.Process.WaitForOutputAsync("Relay CN=relay-a at", LinkWait);

            foreach (var (caller, relayed) in calls.Where(call => !OnA(call.Relayed)))
            {
                await ExchangeMediaAsync(caller, relayed, FewPackets);
            }

            for (var i = 0; i < NewCalls; i++)
            {
                var next = await AnsweredCallAsync(proxy, calleePort, relayB.Stderr);
                calls.Add(next);
                next.Relayed.Port.ShouldBeInRange(RelayBLow, RelayBHigh, "after the kill every new call goes to the surviving relay");
                await ExchangeMediaAsync(next.Caller, next.Relayed, FewPackets);
            }

            foreach (var (caller, _) in calls)
            {
                (await caller.ByeAsync()).ShouldBe(200);
            }
        }
        finally
        {
            foreach (var (caller, _) in calls)
            {
                caller.Dispose();
            }
        }

        (await relayB.SessionsAsync()).GetArrayLength().ShouldBe(0, "every call on the survivor was removed through the dispatcher");
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Fact]
    public async Task A_relay_sent_SIGHUP_keeps_its_five_calls_flowing_takes_no_new_one_and_exits_when_they_end()
    {
        const int Running = 5;
        using var pki = await RelayLinkPki.CreateAsync("relay-a", "relay-b");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        await using var draining = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", pki.RelayArguments("relay-a", dispatcherPort));
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: Running + 1);
        var running = new List<(MediaCallParty Caller, IPEndPoint Relayed)>();
        try
        {
            for (var i = 0; i < Running; i++)
            {
                var call = await AnsweredCallAsync(proxy, calleePort, draining.Stderr);
                running.Add(call);
                call.Relayed.Port.ShouldBeInRange(RelayALow, RelayAHigh);
            }

            await using var other = await RelayProcess.StartAsync($"{RelayBLow}-{RelayBHigh}", pki.RelayArguments("relay-b", dispatcherPort));
            await proxy.Process.WaitForOutputAsync("Relay CN=relay-b connected", LinkWait);

            await draining.SignalAsync("HUP");
            await Task.Delay(500);

            var next = await CallAndExchangeMediaAsync(proxy, calleePort, other.Stderr);
            next.Port.ShouldBeInRange(RelayBLow, RelayBHigh, "a halting relay takes no new session");
            foreach (var (caller, relayed) in running)
            {
                await ExchangeMediaAsync(caller, relayed);
            }

            draining.Stderr.ShouldNotContain("drained", Case.Sensitive, "the relay waits for its last call");
            foreach (var (caller, _) in running)
            {
                (await caller.ByeAsync()).ShouldBe(200);
            }
        }
        finally
        {
            running.ForEach(call => call.Caller.Dispose());
        }

        (await draining.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, draining.Stderr);
        draining.Stderr.ShouldContain("drained");
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Fact]
    public async Task A_frozen_relay_is_dropped_with_its_calls_after_the_recover_interval_and_dials_in_again_when_it_thaws()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a");
        var dispatcherPort = FreePorts.UdpAndTcp();
        // Pings every second (RelayArguments): overdue after 1 s, dropped 1 s later.
        await using var proxy = await StartProxyAsync(
            pki,
            dispatcherPort,
            extraModparams: "modparam(\"mediaproxy\", \"dispatcher_ping_timeout\", 1000)\nmodparam(\"mediaproxy\", \"dispatcher_relay_recover_interval\", 1000)\n");
        await using var relay = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", pki.RelayArguments("relay-a", dispatcherPort));
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);
        using var callee = new SilentCallee();
        using var caller = new MediaCallParty(proxy.EndPoint);
        var answering = callee.AnswerCallAsync();
        var ok = await caller.InviteAsync(callee.Uri);
        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output);
        await caller.AckAsync();
        await answering;

        await relay.SignalAsync("STOP");
        try
        {
            var dropped = await proxy.Process.WaitForOutputAsync("dropped: timed out", TimeSpan.FromSeconds(10));
            dropped.ShouldContain("Relay CN=relay-a at");
            dropped.ShouldContain("1 calls on it forgotten");
        }
        finally
        {
            await relay.SignalAsync("CONT");
        }

        await WaitForOccurrencesAsync(proxy.Process, "Relay CN=relay-a connected", 2);
        var next = await AnsweredSilentCallAsync(proxy, relay);
        next.Port.ShouldBeInRange(RelayALow, RelayAHigh, "the thawed relay takes new calls again");
    }

    /// <summary>A call answered by a silent callee; returns where the answer's SDP sends the caller's media.</summary>
    private static async Task<IPEndPoint> AnsweredSilentCallAsync(ProxyProcess proxy, RelayProcess relay)
    {
        using var callee = new SilentCallee();
        using var caller = new MediaCallParty(proxy.EndPoint);
        var answering = callee.AnswerCallAsync();
        var ok = await caller.InviteAsync(callee.Uri);
        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output + relay.Stderr);
        await caller.AckAsync();
        await answering;
        return MediaCallParty.AudioEndPoint(ok);
    }

    [Fact]
    public async Task Two_relays_weighted_3_to_1_take_new_sessions_in_about_that_ratio_over_200_calls()
    {
        const int Calls = 200;
        const int Overlap = 20;
        using var pki = await RelayLinkPki.CreateAsync("relay-big", "relay-small");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort);
        await using var big = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", [.. pki.RelayArguments("relay-big", dispatcherPort), "--weight", "3"]);
        await using var small = await RelayProcess.StartAsync($"{RelayBLow}-{RelayBHigh}", [.. pki.RelayArguments("relay-small", dispatcherPort), "--weight", "1"]);
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-big connected from 127.0.0.1", LinkWait);
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-small connected from 127.0.0.1", LinkWait);
        (await proxy.Process.WaitForOutputAsync("Relay CN=relay-big connected", LinkWait)).ShouldContain("with weight 3", customMessage: "the weight comes from the relay's summary");
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = StartEchoingCallee(sippDirectory, calleePort, calls: Calls);
        var running = new Queue<MediaCallParty>();
        int onBig = 0, onSmall = 0;
        try
        {
            // Calls overlap as they do in service: up to twenty are up at once, the oldest hung up before the next starts.
            for (var i = 0; i < Calls; i++)
            {
                if (running.Count == Overlap)
                {
                    using var oldest = running.Dequeue();
                    (await oldest.ByeAsync()).ShouldBe(200);
                }

                var (caller, relayed) = await AnsweredCallAsync(proxy, calleePort, big.Stderr + small.Stderr);
                running.Enqueue(caller);
                if (relayed.Port is >= RelayALow and <= RelayAHigh) onBig++;
                else if (relayed.Port is >= RelayBLow and <= RelayBHigh) onSmall++;
            }

            while (running.TryDequeue(out var caller))
            {
                using (caller)
                {
                    (await caller.ByeAsync()).ShouldBe(200);
                }
            }
        }
        finally
        {
            foreach (var caller in running) caller.Dispose();
        }

        Console.WriteLine($"weights 3:1 over {Calls} calls: relay-big {onBig}, relay-small {onSmall}");
        (onBig + onSmall).ShouldBe(Calls);
        // 3:1 is 150:50; the band allows for the draws among equally loaded relays.
        onBig.ShouldBeInRange(135, 165, $"relay-big took {onBig} and relay-small {onSmall} of {Calls} calls");
        (await big.SessionsAsync()).GetArrayLength().ShouldBe(0);
        (await small.SessionsAsync()).GetArrayLength().ShouldBe(0);
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    [Theory]
    // A half-configured dispatcher is a script error (exit 2, as check reports it); unreadable files fail at start (exit 1).
    [InlineData("missing-key", "dispatcher_certificate needs dispatcher_private_key and dispatcher_ca", 2)]
    [InlineData("absent-files", "relay dispatcher: cannot load its certificate, key or CA", 1)]
    public async Task A_dispatcher_that_cannot_load_its_certificates_stops_the_proxy_with_the_reason(string problem, string reason, int exitCode)
    {
        using var directory = new TempDirectory("natedge-proxy-");
        var absent = Path.Combine(directory.Path, "absent.pem");
        var modparams = problem == "missing-key"
            ? $"modparam(\"mediaproxy\", \"dispatcher_certificate\", \"{absent}\")\n"
            : $"modparam(\"mediaproxy\", \"dispatcher_certificate\", \"{absent}\")\nmodparam(\"mediaproxy\", \"dispatcher_private_key\", \"{absent}\")\nmodparam(\"mediaproxy\", \"dispatcher_ca\", \"{absent}\")\n";
        directory.File("media.cfg", MediaRelayScript.For(Path.Combine(directory.Path, "relay.sock"), modparams: modparams));
        var port = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);

        await using var proxy = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{port}"], directory.Path);

        (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(exitCode, proxy.Output);
        proxy.Output.ShouldContain(reason);
        proxy.Output.ShouldNotContain(ProxyProcess.StartedLine);

        // check finds what run finds before it opens anything; unreadable files only show at start.
        await using var check = ChildProcess.StartDotnet(BuiltExecutables.ProxyDll, ["check", "media.cfg"], directory.Path);
        (await check.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(exitCode == 2 ? 2 : 0, check.Output);
        if (exitCode == 2)
        {
            check.Output.ShouldContain(reason);
        }
    }

    private static async Task<ProxyProcess> StartProxyAsync(RelayLinkPki pki, int dispatcherPort, string? localRelaySocket = null, string extraModparams = "")
    {
        var port = FreePorts.UdpAndTcp();
        var script = MediaRelayScript.For(localRelaySocket ?? Path.Combine(pki.Directory, "no-local-relay.sock"), modparams: pki.DispatcherModparams(dispatcherPort) + extraModparams);
        var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            port,
            directory => directory.File("media.cfg", script));
        await proxy.Process.WaitForOutputAsync("Relay dispatcher listening", LinkWait);
        return proxy;
    }

    private static ChildProcess StartEchoingCallee(TempDirectory directory, int port, int calls) => ChildProcess.Start(
        Sipp.Executable,
        ["-sn", "uas", "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-mp", CalleeMediaPort.ToString(CultureInfo.InvariantCulture),
         "-rtp_echo", "-m", calls.ToString(CultureInfo.InvariantCulture), "-nostdin", "-timeout", "60s", "-timeout_error"],
        directory.Path);

    /// <summary>One whole call: INVITE, media both ways through the relay in the answer, BYE. Returns the relay's caller-facing address.</summary>
    private static async Task<IPEndPoint> CallAndExchangeMediaAsync(ProxyProcess proxy, int calleePort, string relayLog)
    {
        var (caller, relayed) = await AnsweredCallAsync(proxy, calleePort, relayLog);
        using (caller)
        {
            await ExchangeMediaAsync(caller, relayed);
            (await caller.ByeAsync()).ShouldBe(200);
        }

        return relayed;
    }

    /// <summary>INVITE answered 200 with the relay's address in the SDP, and ACK.</summary>
    private static async Task<(MediaCallParty Caller, IPEndPoint Relayed)> AnsweredCallAsync(ProxyProcess proxy, int calleePort, string relayLog)
    {
        var caller = new MediaCallParty(proxy.EndPoint);
        try
        {
            var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{calleePort}");
            ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output + relayLog);
            var relayed = MediaCallParty.AudioEndPoint(ok);
            relayed.Address.ShouldBe(IPAddress.Loopback);
            await caller.AckAsync();
            return (caller, relayed);
        }
        catch
        {
            caller.Dispose();
            throw;
        }
    }

    private static async Task ExchangeMediaAsync(MediaCallParty caller, IPEndPoint relayed, int packets = Packets)
    {
        var echoes = await caller.SendRtpAndCollectEchoesAsync(relayed, packets);

        echoes.Select(e => (int)e.Sequence).ShouldBe(Enumerable.Range(0, packets), "every packet went to the callee and came back through the relay");
        echoes.ShouldAllBe(e => e.From.Equals(relayed), "the echoes come back from the relay, not from the callee");
    }

    /// <summary>relay-a and relay-b, each with its own port range, both connected to the proxy's dispatcher.</summary>
    private sealed class RelayPair(RelayProcess a, RelayProcess b) : IAsyncDisposable
    {
        public RelayProcess A => a;
        public RelayProcess B => b;

        public static async Task<RelayPair> StartAsync(ProxyProcess proxy, RelayLinkPki pki, int dispatcherPort)
        {
            var a = await RelayProcess.StartAsync($"{RelayALow}-{RelayAHigh}", pki.RelayArguments("relay-a", dispatcherPort));
            try
            {
                var b = await RelayProcess.StartAsync($"{RelayBLow}-{RelayBHigh}", pki.RelayArguments("relay-b", dispatcherPort));
                var pair = new RelayPair(a, b);
                await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);
                await proxy.Process.WaitForOutputAsync("Relay CN=relay-b connected", LinkWait);
                return pair;
            }
            catch
            {
                await a.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="text"/> has been printed <paramref name="count"/> times (a relay connecting again logs the same line).</summary>
    private static async Task WaitForOccurrencesAsync(ChildProcess process, string text, int count)
    {
        for (var attempt = 0; attempt < 200 && Occurrences(process.Output, text) < count; attempt++)
        {
            await Task.Delay(100);
        }

        Occurrences(process.Output, text).ShouldBeGreaterThanOrEqualTo(count, process.Output);
    }

    private static int Occurrences(string output, string text) => output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
}
