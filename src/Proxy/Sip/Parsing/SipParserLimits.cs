namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>Bounds on what the parser accepts, so hostile input cannot make it index without end.</summary>
public sealed record SipParserLimits
{
    public static SipParserLimits Default { get; } = new();

    /// <summary>Header lines per message. Kamailio's default header buffer holds about as many.</summary>
    public int MaxHeaders { get; init; } = 256;

    /// <summary>Largest body accepted (413 above it). 1 MiB is far above any SDP or multipart body a proxy relays.</summary>
    public int MaxContentLength { get; init; } = 1 << 20;
}
