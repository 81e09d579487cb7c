namespace NatEdge.Proxy.Sip.Message;

public enum SipTransport : byte
{
    Unknown = 0,
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
}

/// <summary>
/// One via-parm (RFC 3261 section 20.42, RFC 3581): sent-protocol, sent-by and the parameters a
/// proxy acts on. <see cref="Port"/> is -1 when sent-by has no port; <see cref="RportValue"/> is -1
/// when rport is absent or written without a value.
/// </summary>
public readonly record struct SipVia
{
    public TextRange Value { get; init; }

    public TextRange ProtocolName { get; init; }

    public TextRange ProtocolVersion { get; init; }

    public TextRange TransportName { get; init; }

    public SipTransport Transport { get; init; }

    /// <summary>sent-by host; for an IPv6 reference it includes the brackets.</summary>
    public TextRange Host { get; init; }

    public int Port { get; init; }

    /// <summary>All of sent-by (host and port) as written.</summary>
    public TextRange SentBy { get; init; }

    /// <summary>The parameter list, starting at its first ";" (empty when there are none).</summary>
    public TextRange Parameters { get; init; }

    public TextRange Branch { get; init; }

    public TextRange Received { get; init; }

    public bool HasRport { get; init; }

    /// <summary>The "rport" parameter (name and value, if any) as written.</summary>
    public TextRange Rport { get; init; }

    public int RportValue { get; init; }

    public TextRange Maddr { get; init; }
}
