namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// How the proxy talks to one relay's control socket. Defaults follow the mediaproxy module
/// (mediaproxy-protocol.md section 1.1 and 4.7) unless noted.
/// </summary>
public sealed record MediaRelayClientOptions
{
    /// <summary>NatEdge's relay socket (DESIGN.md); the <c>mediaproxy_socket</c> modparam overrides it.</summary>
    public const string DefaultSocketPath = "/run/natedge/relay.sock";

    public string SocketPath { get; init; } = DefaultSocketPath;

    /// <summary>The module's <c>mediaproxy_timeout</c>: 500 ms per request, connecting included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Connections kept open to the relay; one request is in flight on each, so this bounds the
    /// requests in flight. The module keeps one per SIP worker; a few cover the proxy's async workers.
    /// </summary>
    public int PoolSize { get; init; } = 4;

    /// <summary>How long the circuit stays open after it trips: the module's 10 s RETRY_INTERVAL.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Window over which failures are counted for the circuit breaker.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Failures needed in the window before the circuit may open (Polly's minimum is 2).</summary>
    public int MinimumThroughput { get; init; } = 3;

    /// <summary>Share of failed requests in the window that opens the circuit.</summary>
    public double FailureRatio { get; init; } = 0.5;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Remote relays dialled in over TLS (issue 8): when one is connected, or holds the call, requests go
    /// to it instead of the socket. Null: the socket only.
    /// </summary>
    public Remote.RelayDispatcher? Dispatcher { get; init; }
}
