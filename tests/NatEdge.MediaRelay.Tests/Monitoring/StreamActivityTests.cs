using NatEdge.MediaRelay.Monitoring;
using NatEdge.MediaRelay.Tests.Sessions;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Tests.Monitoring;

/// <summary>The states the metrics and the status page show, following the hold rule of spec §4.5.</summary>
public class StreamActivityTests
{
    [Fact]
    public void A_stream_has_no_media_until_a_party_latches_and_is_on_hold_after_a_sendonly_offer()
    {
        using var relay = new RelayFixture(28560, 28592);
        relay.Update(SdpMessageType.Request, 1, "a1b2", null, "audio:127.0.0.1:8000:sendrecv:ice=no");
        relay.Update(SdpMessageType.Reply, 1, "a1b2", "b9z", "audio:127.0.0.2:30000:sendrecv:ice=no");
        States(relay).ShouldBe([StreamActivity.NoMedia]);

        relay.Update(SdpMessageType.Request, 2, "b9z", "a1b2", "audio:127.0.0.2:30000:sendonly:ice=no");
        States(relay).ShouldBe([StreamActivity.OnHold]);
    }

    private static string[] States(RelayFixture relay) =>
        relay.Table.Inspect((sessions, _, _) => sessions.SelectMany(s => s.LiveStreams()).Select(StreamActivity.Of).ToArray());
}
