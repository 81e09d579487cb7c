using System.Globalization;
using System.Net;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// Media timeouts end calls (issue 8, item 4): a call engaged through a relay that dialled the proxy, whose
/// callee never sends RTP. After the relay's <c>stream_timeout</c> (2 s here) the relay reports the session
/// <c>expired</c>; with <c>end_expired_calls</c> the proxy then sends each party a BYE in the other's name
/// (RFC 3261 section 12.2.1.1: From, To and CSeq of the other end, Request-URI the party's Contact), and
/// both answer 200. Without the modparam no BYE is sent.
/// </summary>
public sealed class ExpiredMediaEndsCallProcessTests
{
    private const int RelayLow = 26400;
    private const int RelayHigh = 26439;
    private static readonly TimeSpan LinkWait = TimeSpan.FromSeconds(20);

    // stream_timeout 2 s, checked by the relay's timers; the report and both BYEs follow within a few seconds.
    private static readonly TimeSpan ExpiryWait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_relay_reporting_a_call_s_media_expired_makes_the_proxy_BYE_both_parties()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort, endExpiredCalls: true);
        await using var relay = await StartRelayAsync(proxy, pki, dispatcherPort);
        using var callee = new SilentCallee();
        using var caller = new MediaCallParty(proxy.EndPoint);

        await EstablishCallWithOneSilentPartyAsync(proxy, caller, callee);

        var calleeBye = await callee.ReceiveRequestFromAsync(ExpiryWait);
        calleeBye.ShouldNotBeNull(proxy.Process.Output + relay.Stderr);
        var (toCallee, sender) = calleeBye.Value;
        await callee.AnswerAsync(toCallee, sender, 200, "OK");
        var toCaller = await caller.ReceiveRequestAsync(ExpiryWait);
        toCaller.ShouldNotBeNull(proxy.Process.Output);
        await caller.AnswerAsync(toCaller, 200, "OK");

        // To the callee, as if the caller sent it: the caller's INVITE had CSeq 1.
        FirstLine(toCallee).ShouldBe($"BYE {callee.Uri} SIP/2.0", "the Request-URI is the callee's Contact");
        Header(toCallee, "From").ShouldBe("<sip:caller@127.0.0.1>;tag=caller-tag");
        Header(toCallee, "To").ShouldBe($"<sip:callee@127.0.0.1>;tag={SilentCallee.Tag}");
        Header(toCallee, "Call-ID").ShouldBe(caller.CallId);
        Header(toCallee, "CSeq").ShouldBe("2 BYE");
        Header(toCallee, "Route").ShouldBeNull("the only Record-Route is the proxy's own, where the BYE starts");
        Header(toCallee, "Via").ShouldStartWith($"SIP/2.0/UDP 127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)};branch=z9hG4bK");
        sender.Port.ShouldBe(proxy.Port);

        // To the caller, as if the callee sent it: the callee never sent a request, so any number below 2**31.
        FirstLine(toCaller).ShouldBe($"BYE sip:caller@127.0.0.1:{caller.SipPort.ToString(CultureInfo.InvariantCulture)} SIP/2.0");
        Header(toCaller, "From").ShouldBe($"<sip:callee@127.0.0.1>;tag={SilentCallee.Tag}");
        Header(toCaller, "To").ShouldBe("<sip:caller@127.0.0.1>;tag=caller-tag");
        Header(toCaller, "Call-ID").ShouldBe(caller.CallId);
        var cseq = Header(toCaller, "CSeq").ShouldNotBeNull().Split(' ');
        cseq[1].ShouldBe("BYE");
        long.Parse(cseq[0], CultureInfo.InvariantCulture).ShouldBeInRange(0, int.MaxValue);

        // Both client transactions saw their 200 (logged when Timer K ends them).
        await WaitForOccurrencesAsync(proxy.Process, "answered 200", 2);
        proxy.Process.Output.ShouldContain($"Ending dialog");
        (await relay.SessionsAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Without_end_expired_calls_an_expired_call_gets_no_BYE()
    {
        using var pki = await RelayLinkPki.CreateAsync("relay-a");
        var dispatcherPort = FreePorts.UdpAndTcp();
        await using var proxy = await StartProxyAsync(pki, dispatcherPort, endExpiredCalls: false);
        await using var relay = await StartRelayAsync(proxy, pki, dispatcherPort);
        using var callee = new SilentCallee();
        using var caller = new MediaCallParty(proxy.EndPoint);

        await EstablishCallWithOneSilentPartyAsync(proxy, caller, callee);
        await proxy.Process.WaitForOutputAsync($"reports session {caller.CallId} expired", ExpiryWait);

        (await callee.ReceiveRequestAsync(TimeSpan.FromSeconds(2))).ShouldBeNull("no BYE without end_expired_calls");
        (await caller.ReceiveRequestAsync(TimeSpan.FromMilliseconds(500))).ShouldBeNull();
        proxy.Process.Output.ShouldNotContain("Ending dialog");

        // The call goes on for its parties; the caller's own BYE still ends it.
        var answering = AnswerByeAsync(callee);
        (await caller.ByeAsync()).ShouldBe(200);
        await answering;
    }

    private static async Task AnswerByeAsync(SilentCallee callee)
    {
        var bye = await callee.ReceiveRequestFromAsync(TimeSpan.FromSeconds(10));
        bye.ShouldNotBeNull();
        await callee.AnswerAsync(bye.Value.Text, bye.Value.From, 200, "OK");
    }

    /// <summary>INVITE, 200 with the relay's address, ACK; the caller sends a little RTP, the callee none.</summary>
    private static async Task EstablishCallWithOneSilentPartyAsync(ProxyProcess proxy, MediaCallParty caller, SilentCallee callee)
    {
        var answering = callee.AnswerCallAsync();
        var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{callee.Port.ToString(CultureInfo.InvariantCulture)}");
        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output);
        await caller.AckAsync();
        await answering;
        var relayed = MediaCallParty.AudioEndPoint(ok);
        relayed.Port.ShouldBeInRange(RelayLow, RelayHigh, "the media goes through the remote relay");
        var packet = new byte[172];
        packet[0] = 0x80;
        for (var i = 0; i < 5; i++)
        {
            packet[3] = (byte)i;
            await caller.Rtp.SendAsync(packet, relayed);
            await Task.Delay(20);
        }
    }

    private static async Task<ProxyProcess> StartProxyAsync(RelayLinkPki pki, int dispatcherPort, bool endExpiredCalls)
    {
        var port = FreePorts.UdpAndTcp();
        var modparams = pki.DispatcherModparams(dispatcherPort) + (endExpiredCalls ? "modparam(\"mediaproxy\", \"end_expired_calls\", 1)\n" : string.Empty);
        var script = MediaRelayScript.For(Path.Combine(pki.Directory, "no-local-relay.sock"), engaged: true, modparams: modparams);
        var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            port,
            directory => directory.File("media.cfg", script));
        await proxy.Process.WaitForOutputAsync("Relay dispatcher listening", LinkWait);
        return proxy;
    }

    private static async Task<RelayProcess> StartRelayAsync(ProxyProcess proxy, RelayLinkPki pki, int dispatcherPort)
    {
        var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}", [.. pki.RelayArguments("relay-a", dispatcherPort), "--stream-timeout", "2"]);
        await proxy.Process.WaitForOutputAsync("Relay CN=relay-a connected", LinkWait);
        return relay;
    }

    private static string FirstLine(string message) => message[..message.IndexOf("\r\n", StringComparison.Ordinal)];

    private static string? Header(string message, string name)
    {
        foreach (var line in message.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }

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
