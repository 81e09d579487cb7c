using System.Net;

namespace NatEdge.MediaRelay.Configuration;

/// <summary>
/// The relay's validated settings. Defaults come from MediaProxy's relay (spec §4.7) unless noted.
/// Built once at start-up by <see cref="RelayOptionsBuilder"/>; never changed afterwards.
/// </summary>
public sealed record RelayOptions
{
    /// <summary>NatEdge's socket path (DESIGN.md); a module's <c>mediaproxy_socket</c> points here.</summary>
    public const string DefaultControlSocket = "/run/natedge/relay.sock";

    /// <summary>Address the relay's UDP sockets bind to. Loopback by default, so an unconfigured relay never exposes media ports; 0.0.0.0 binds every interface.</summary>
    public IPAddress RelayIp { get; init; } = IPAddress.Loopback;

    /// <summary>Address written into replies (and so into the SDP): set it for 1:1 NAT. Defaults to <see cref="RelayIp"/>,
    /// or, when that is 0.0.0.0, to the default-route interface's address (127.0.0.1 when there is none).</summary>
    public IPAddress? AdvertisedIp { get; init; }

    /// <summary>First port of the range (even).</summary>
    public int PortRangeLow { get; init; } = 40000;

    /// <summary>Last port of the range: a pair (p, p+1) is used when p+1 is at most this.</summary>
    public int PortRangeHigh { get; init; } = 60000;

    /// <summary>A party that sends no RTP this long after its stream was created or reset ends the stream.</summary>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Once media has flowed, this long without a packet either way ends the stream (the conntrack UDP stream timeout, spec §4.5).</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromSeconds(180);

    public TimeSpan OnHoldTimeout { get; init; } = TimeSpan.FromSeconds(7200);

    /// <summary>How long a freed port pair rests before reuse, so late packets of an old call never reach a new one (NatEdge).</summary>
    public TimeSpan PortQuarantine { get; init; } = TimeSpan.FromSeconds(2);

    public string ControlSocket { get; init; } = DefaultControlSocket;

    /// <summary>File mode of the control socket: owner and group may connect (0660).</summary>
    public UnixFileMode ControlSocketMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>One JSON line of statistics (spec §4.6) per ended session; null writes none.</summary>
    public string? AccountingLog { get; init; }

    /// <summary>Prometheus endpoint (IP:PORT); null serves none.</summary>
    public IPEndPoint? Metrics { get; init; }

    /// <summary>Private ranges that count as routable before a party has latched (spec §9).</summary>
    public IReadOnlyList<IpRange> RoutablePrivateRanges { get; init; } = [];

    /// <summary>How long a session that ended on its own is remembered, so a later <c>remove</c> gets <c>removed</c> (dispatcher's default, spec §2).</summary>
    public TimeSpan ExpiredSessionMemory { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary>
    /// Dispatchers to dial over TLS (spec §3.1 <c>dispatchers = host[:port] ...</c>); empty dials none. An IP address is
    /// dialled as it is; a name is looked up as a domain (SRV <c>_sip._udp.NAME</c>), else as a host (A/AAAA).
    /// </summary>
    public IReadOnlyList<DnsEndPoint> Dispatchers { get; init; } = [];

    /// <summary>How often dispatcher names are looked up again (spec §3.1 <c>dns_check_interval</c>, 60 s).</summary>
    public TimeSpan DnsCheckInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Name servers asked for dispatcher names (NatEdge); empty: those of /etc/resolv.conf, with host names also through the system resolver.</summary>
    public IReadOnlyList<IPEndPoint> DnsServers { get; init; } = [];

    /// <summary>
    /// This relay's share of new sessions relative to other relays of the same proxy, reported in <c>summary</c> (NatEdge):
    /// a relay of weight 3 takes three sessions for every one a relay of weight 1 takes.
    /// </summary>
    public int Weight { get; init; } = DefaultWeight;

    public const int DefaultWeight = 1;

    public const int MaxWeight = 10000;

    /// <summary>MediaProxy's dispatcher port for relays (spec §3.1).</summary>
    public const int DefaultDispatcherPort = 25060;

    /// <summary>PEM certificate the relay presents to dispatchers (extended key usage clientAuth); needed with <see cref="Dispatchers"/>.</summary>
    public string? TlsCertificate { get; init; }

    public string? TlsPrivateKey { get; init; }

    /// <summary>PEM certificate of the operator CA that the dispatcher's certificate must chain to.</summary>
    public string? TlsCa { get; init; }

    /// <summary>Wait before dialling a dispatcher again after a failed attempt (spec §3.1 <c>reconnect_delay</c>).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before the first attempt after an established connection was lost (spec §3.1).</summary>
    public TimeSpan FirstReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Interval of <c>ping</c> on each dispatcher link (spec §3.2 <c>keepalive_interval</c>); three unanswered end the link.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Threads that receive and forward media, each with its own epoll set: one per core, as rtpengine's default.</summary>
    public int ForwardingThreads { get; init; } = Environment.ProcessorCount;

    public const int MaxForwardingThreads = 64;

    public int PortPairCount => (PortRangeHigh + 1 - PortRangeLow) / 2;
}
