namespace NatEdge.Shared.Tests.Control;

/// <summary>The worked exchanges of the mediaproxy protocol spec, section 6, byte for byte.</summary>
internal static class WorkedExchanges
{
    /// <summary>§6.1: the module's update for Alice's INVITE, with the empty lines a module writes.</summary>
    public const string ModuleOffer =
        "update\r\n" +
        "type: request\r\n" +
        "dialog_id: 3012:77\r\n" +
        "call_id: 9f2c1e@192.168.1.20\r\n" +
        "cseq: 1\r\n" +
        "from_uri: alice@example.net\r\n" +
        "to_uri: bob@example.net\r\n" +
        "from_tag: a1b2\r\n" +
        "to_tag: \r\n" +
        "user_agent: DemoPhone 1.0\r\n" +
        "signaling_ip: 198.51.100.7\r\n" +
        "media_relay: \r\n" +
        "media: audio:192.168.1.20:8000:sendrecv:ice=no,video:192.168.1.20:8002:sendrecv:ice=no\r\n" +
        "\r\n";

    /// <summary>§6.1: the same request as the dispatcher forwards it to a relay (sequence 41, empty lines dropped).</summary>
    public const string RelayOffer =
        "update 41\r\n" +
        "type: request\r\n" +
        "dialog_id: 3012:77\r\n" +
        "call_id: 9f2c1e@192.168.1.20\r\n" +
        "cseq: 1\r\n" +
        "from_uri: alice@example.net\r\n" +
        "to_uri: bob@example.net\r\n" +
        "from_tag: a1b2\r\n" +
        "user_agent: DemoPhone 1.0\r\n" +
        "signaling_ip: 198.51.100.7\r\n" +
        "media: audio:192.168.1.20:8000:sendrecv:ice=no,video:192.168.1.20:8002:sendrecv:ice=no\r\n" +
        "\r\n";

    /// <summary>§6.1: Bob's 200 OK (answer, same CSeq, video rejected).</summary>
    public const string ModuleAnswer =
        "update\r\n" +
        "type: reply\r\n" +
        "dialog_id: 3012:77\r\n" +
        "call_id: 9f2c1e@192.168.1.20\r\n" +
        "cseq: 1\r\n" +
        "from_uri: alice@example.net\r\n" +
        "to_uri: bob@example.net\r\n" +
        "from_tag: a1b2\r\n" +
        "to_tag: b9z\r\n" +
        "user_agent: OtherPhone 2\r\n" +
        "signaling_ip: 198.51.100.7\r\n" +
        "media: audio:203.0.113.50:30000:sendrecv:ice=no,video:203.0.113.50:0:sendrecv:ice=no\r\n" +
        "\r\n";

    /// <summary>§6.2: Bob's hold re-INVITE.</summary>
    public const string HoldReInvite =
        "update\r\n" +
        "type: request\r\n" +
        "dialog_id: 3012:77\r\n" +
        "call_id: 9f2c1e@192.168.1.20\r\n" +
        "cseq: 7\r\n" +
        "from_uri: bob@example.net\r\n" +
        "to_uri: alice@example.net\r\n" +
        "from_tag: b9z\r\n" +
        "to_tag: a1b2\r\n" +
        "user_agent: OtherPhone 2\r\n" +
        "signaling_ip: 203.0.113.50\r\n" +
        "media: audio:203.0.113.50:30000:sendonly:ice=no\r\n" +
        "\r\n";

    /// <summary>§6.3: teardown.</summary>
    public const string Remove =
        "remove\r\n" +
        "call_id: 9f2c1e@192.168.1.20\r\n" +
        "from_tag: a1b2\r\n" +
        "to_tag: b9z\r\n" +
        "\r\n";

    public static IEnumerable<object[]> Requests() =>
    [
        [ModuleOffer], [RelayOffer], [ModuleAnswer], [HoldReInvite], [Remove],
    ];
}
