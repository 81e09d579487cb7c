namespace NatEdge.Benchmarks.Control;

/// <summary>An update exchange in the MediaProxy module protocol (spec section 1): the request a proxy sends for an INVITE with audio, and the relay's answer.</summary>
internal static class ControlSamples
{
    public const string UpdateRequest =
        "update\r\n" +
        "type: request\r\n" +
        "dialog_id: 1201:9\r\n" +
        "call_id: 5b1e0c@10.0.0.7\r\n" +
        "cseq: 1\r\n" +
        "from_uri: carol@example.org\r\n" +
        "to_uri: dave@example.org\r\n" +
        "from_tag: c3d4\r\n" +
        "to_tag: \r\n" +
        "user_agent: BenchPhone 2.1\r\n" +
        "signaling_ip: 198.51.100.30\r\n" +
        "media_relay: \r\n" +
        "media: audio:10.0.0.7:4000:sendrecv:ice=no\r\n" +
        "\r\n";

    /// <summary>The relay's answer: its address and the port facing the callee.</summary>
    public const string UpdateReply = "198.51.100.1 40002\r\n";
}
