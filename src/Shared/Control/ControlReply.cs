namespace NatEdge.Shared.Control;

/// <summary>What a reply line says (spec §1.2, §3.2, §9).</summary>
public enum ControlReplyKind
{
    /// <summary><c>&lt;relay-ip&gt; &lt;port&gt;...</c>: the answer to an <c>update</c> (no ports when the update had no media).</summary>
    Media,
    /// <summary><c>removed</c>: the answer to a <c>remove</c> on the module protocol.</summary>
    Removed,
    /// <summary><c>error</c>.</summary>
    Error,
    /// <summary><c>halting</c>: a relay in graceful shutdown refuses a new session (relay protocol).</summary>
    Halting,
    /// <summary>A JSON object or array: statistics, <c>summary</c>, <c>sessions</c>.</summary>
    Json,
    /// <summary>Relay link keepalive, relay → dispatcher (spec §3.2, §6.5); never numbered.</summary>
    Ping,
    /// <summary>Relay link keepalive answer, dispatcher → relay.</summary>
    Pong,
    /// <summary>Relay link: <c>expired &lt;json&gt;</c>, a session that ended on its own (spec §3.2); never numbered.</summary>
    Expired,
}

/// <summary>One reply line. Immutable; build it with the factory methods.</summary>
public sealed class ControlReply
{
    private ControlReply(ControlReplyKind kind, long? sequence, string? relayIp, IReadOnlyList<int> ports, string? json)
    {
        Kind = kind;
        Sequence = sequence;
        RelayIp = relayIp;
        Ports = ports;
        Json = json;
    }

    public ControlReplyKind Kind { get; }

    /// <summary>The relay-protocol sequence number that prefixes the line (spec §3.2); null on the module protocol.</summary>
    public long? Sequence { get; }

    /// <summary>Token 0 of a <see cref="ControlReplyKind.Media"/> reply: the address that goes into the SDP.</summary>
    public string? RelayIp { get; }

    /// <summary>One port per stream of the request's <c>media</c> list, in order; 0 for a rejected stream.</summary>
    public IReadOnlyList<int> Ports { get; }

    public string? Json { get; }

    public static ControlReply Media(string relayIp, IReadOnlyList<int> ports, long? sequence = null) =>
        new(ControlReplyKind.Media, sequence, relayIp, ports, null);

    public static ControlReply Removed(long? sequence = null) => new(ControlReplyKind.Removed, sequence, null, [], null);

    public static ControlReply Error(long? sequence = null) => new(ControlReplyKind.Error, sequence, null, [], null);

    public static ControlReply Halting(long? sequence = null) => new(ControlReplyKind.Halting, sequence, null, [], null);

    /// <summary>A JSON reply; the text must be a single line (JSON written without indentation has none).</summary>
    public static ControlReply FromJson(string json, long? sequence = null)
    {
        if (json.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("a reply is one line", nameof(json));
        return new ControlReply(ControlReplyKind.Json, sequence, null, [], json);
    }

    public static ControlReply Ping() => new(ControlReplyKind.Ping, null, null, [], null);

    public static ControlReply Pong() => new(ControlReplyKind.Pong, null, null, [], null);

    /// <summary>The unsolicited <c>expired</c> line carrying a session's statistics.</summary>
    public static ControlReply Expired(string json)
    {
        if (json.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("a line has no line break", nameof(json));
        return new ControlReply(ControlReplyKind.Expired, null, null, [], json);
    }

    public ControlReply WithSequence(long? sequence) => new(Kind, sequence, RelayIp, Ports, Json);
}
