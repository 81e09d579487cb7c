using System.Globalization;
using System.Net;
using System.Text.Json;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// The NatEdge proxy and relay processes together: a call relayed by t_relay whose INVITE and 200 OK
/// are rewritten by use_media_proxy() to the relay, with RTP flowing both ways through the relay to a
/// SIPp callee that echoes it, and the BYE's end_media_session() ending the relay session.
/// </summary>
public sealed class ProxyMediaRelayProcessTests
{
    private const int RelayLow = 25400;
    private const int RelayHigh = 25431;
    private const int CalleeMediaPort = 25480;
    private const int Packets = 50;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_through_the_proxy_has_its_sdp_rewritten_to_the_relay_and_media_flows_both_ways(bool engaged)
    {
        await using var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}");
        var port = FreePorts.UdpAndTcp();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var script = MediaRelayScript.For(relay.SocketPath, engaged);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(
            ["run", "--config", "media.cfg", "--listen", $"udp:127.0.0.1:{p}"],
            port,
            directory => directory.File("media.cfg", script));
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = Sipp.StartEchoingCallee(calleePort, CalleeMediaPort, sippDirectory.Path, "-trace_msg");
        await Task.Delay(300);
        using var caller = new MediaCallParty(proxy.EndPoint);

        var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{calleePort}");

        ok.ShouldStartWith("SIP/2.0 200", customMessage: proxy.Process.Output + relay.Stderr);
        var relayed = MediaCallParty.AudioEndPoint(ok);
        relayed.Address.ShouldBe(IPAddress.Loopback);
        relayed.Port.ShouldBeInRange(RelayLow, RelayHigh, "the answer's SDP points at the relay's caller-facing port");
        await caller.AckAsync();

        var echoes = await caller.SendRtpAndCollectEchoesAsync(relayed, Packets);

        echoes.Select(e => (int)e.Sequence).ShouldBe(Enumerable.Range(0, Packets), "every packet went to the callee and came back, in order");
        echoes.ShouldAllBe(e => e.From.Equals(relayed), "the echoes come back from the relay, not from the callee");
        var stream = (await relay.SessionsAsync()).EnumerateArray().ShouldHaveSingleItem().GetProperty("streams").EnumerateArray().ShouldHaveSingleItem();
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(Packets);
        stream.GetProperty("callee_packets").GetInt64().ShouldBe(Packets);
        stream.GetProperty("callee_remote").GetString().ShouldBe($"127.0.0.1:{CalleeMediaPort}");

        (await caller.ByeAsync()).ShouldBe(200);

        (await relay.SessionsAsync()).GetArrayLength().ShouldBe(0, "the BYE removed the session (end_media_session(), or the engaged dialog's end)");
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
        var calleeSaw = await File.ReadAllTextAsync(Directory.GetFiles(sippDirectory.Path, "*_messages.log").ShouldHaveSingleItem());
        var invite = calleeSaw[calleeSaw.IndexOf("INVITE sip:", StringComparison.Ordinal)..];
        var offered = MediaCallParty.AudioEndPoint(invite[..invite.IndexOf("----", StringComparison.Ordinal)]);
        offered.Port.ShouldBeInRange(RelayLow, RelayHigh, "the INVITE reached the callee with the relay's callee-facing port");
        offered.Port.ShouldNotBe(relayed.Port);
    }
}
