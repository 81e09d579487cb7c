using System.Net;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// The proxy's dispatcher listener that remote relays dial (mediaproxy-protocol.md sections 2 and 3).
/// Defaults follow MediaProxy's dispatcher unless noted. Set from the mediaproxy module's
/// <c>dispatcher_*</c> modparams by <see cref="RelayDispatchers"/>.
/// </summary>
public sealed record RelayDispatcherOptions
{
    /// <summary>MediaProxy's dispatcher port for relays (spec §3.1).</summary>
    public const int DefaultPort = 25060;

    /// <summary>Loopback by default (NatEdge): a proxy exposes the port to other hosts only when told to.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>PEM certificate the dispatcher presents (extended key usage serverAuth).</summary>
    public required string CertificatePath { get; init; }

    public required string PrivateKeyPath { get; init; }

    /// <summary>PEM certificate of the operator CA every relay certificate must chain to.</summary>
    public required string AuthorityPath { get; init; }

    /// <summary>A relay that does not answer a request this long is flagged timed out (spec §3.2 <c>relay_timeout</c>, 5 s).</summary>
    public TimeSpan RelayTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A relay whose last <c>ping</c> is older than this takes no new sessions: three of its 10 s pings
    /// missed, the count after which a relay gives up on its dispatcher (spec §3.2).
    /// </summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A relay flagged timed out (a request unanswered, or no <c>ping</c> within <see cref="PingTimeout"/>)
    /// that has not pinged again this long is dropped: its link is closed and its calls are forgotten
    /// (spec §3.2 <c>relay_recover_interval</c>, 60 s).
    /// </summary>
    public TimeSpan RecoverInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that has not finished its TLS handshake this long after it was accepted is closed (NatEdge).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls of a relay that stays away this long are forgotten (spec §2 <c>cleanup_dead_relays_after</c>, 12 h).</summary>
    public TimeSpan ForgetAbsentRelayAfter { get; init; } = TimeSpan.FromHours(12);

    /// <summary>A call its relay reported expired is forgotten this long after, if no <c>remove</c> came (spec §2 <c>cleanup_expired_sessions_after</c>, 86400 s).</summary>
    public TimeSpan ForgetExpiredAfter { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary>How often forgotten calls are swept (spec §2: every 600 s).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(600);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
