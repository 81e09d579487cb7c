using System.Globalization;
using System.Net;
using System.Text.Json;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// Interop (issue 7): Kamailio's stock mediaproxy module drives the NatEdge relay over its control
/// socket, and a call through Kamailio to a SIPp callee that echoes RTP carries media both ways
/// through the relay; the BYE's end_media_session() removes the session.
/// </summary>
public sealed class KamailioInteropTests
{
    private const int RelayLow = 25200;
    private const int RelayHigh = 25231;
    private const int CalleeMediaPort = 25280;
    private const int Packets = 50;

    [Fact]
    public async Task Kamailio_mediaproxy_module_relays_a_sipp_call_with_media_through_the_natedge_relay()
    {
        await using var relay = await RelayProcess.StartAsync($"{RelayLow}-{RelayHigh}");
        await using var kamailio = await Kamailio.StartAsync(relay.SocketPath, FreePorts.UdpAndTcp());
        using var sippDirectory = new TempDirectory("natedge-sipp-");
        var calleePort = FreePorts.UdpAndTcp();
        await using var callee = Sipp.StartEchoingCallee(calleePort, CalleeMediaPort, sippDirectory.Path);
        await Task.Delay(300);
        using var caller = new MediaCallParty(kamailio.EndPoint);

        var ok = await caller.InviteAsync($"sip:callee@127.0.0.1:{calleePort}");

        ok.ShouldStartWith("SIP/2.0 200", customMessage: kamailio.Output + relay.Stderr);
        var relayed = MediaCallParty.AudioEndPoint(ok);
        relayed.Address.ShouldBe(IPAddress.Loopback);
        relayed.Port.ShouldBeInRange(RelayLow, RelayHigh, "the answer's SDP points at the relay's caller-facing port");
        await caller.AckAsync();

        var echoes = await caller.SendRtpAndCollectEchoesAsync(relayed, Packets);

        echoes.Select(e => (int)e.Sequence).ShouldBe(Enumerable.Range(0, Packets), "every packet went to the callee and came back, in order");
        echoes.ShouldAllBe(e => e.From.Equals(relayed), "the echoes come back from the relay, not from the callee");
        var stream = await SingleStreamAsync(relay);
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(Packets);
        stream.GetProperty("callee_packets").GetInt64().ShouldBe(Packets);
        stream.GetProperty("callee_remote").GetString().ShouldBe($"127.0.0.1:{CalleeMediaPort}");
        stream.GetProperty("caller_remote").GetString().ShouldBe($"127.0.0.1:{caller.RtpPort}");

        (await caller.ByeAsync()).ShouldBe(200);

        (await SessionsAsync(relay)).GetArrayLength().ShouldBe(0, "end_media_session() on the BYE removed the session");
        (await callee.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(0, callee.Output);
    }

    private static async Task<JsonElement> SingleStreamAsync(RelayProcess relay)
    {
        var session = (await SessionsAsync(relay)).EnumerateArray().ShouldHaveSingleItem();
        return session.GetProperty("streams").EnumerateArray().ShouldHaveSingleItem();
    }

    private static async Task<JsonElement> SessionsAsync(RelayProcess relay)
    {
        using var control = await relay.ConnectAsync();
        var line = await control.SendRawAsync("sessions\r\n\r\n");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
