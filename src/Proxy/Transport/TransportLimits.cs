namespace NatEdge.Proxy.Transport;

/// <summary>Limits the transports enforce. Each default names its source.</summary>
public sealed record TransportLimits
{
    /// <summary>Largest message (header section plus body). SER/Kamailio BUF_SIZE is 65535.</summary>
    public int MaxMessageBytes { get; init; } = 65_535;

    /// <summary>Open TCP connections at most; Kamailio's tcp_max_connections defaults to 2048.</summary>
    public int MaxTcpConnections { get; init; } = 2_048;

    /// <summary>A TCP connection with no traffic this long is closed; Kamailio's tcp_connection_lifetime is 120 s.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Bytes queued for a peer that does not read before the connection is dropped (a slow or stuck peer).</summary>
    public int MaxTcpPendingSendBytes { get; init; } = 1_048_576;

    /// <summary>Time allowed to open an outgoing TCP connection; Kamailio's tcp_connect_timeout is 10 s.</summary>
    public TimeSpan TcpConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A UDP receive buffer holds the largest datagram IP can carry, so nothing is ever truncated and
    /// an oversize message is seen whole (and answered 513) rather than cut.
    /// </summary>
    public const int UdpReceiveBufferBytes = 65_536;
}
