using System.Reflection;
using NatEdge.MediaRelay.Accounting;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Control;
using NatEdge.MediaRelay.Discovery;
using NatEdge.MediaRelay.Monitoring;
using NatEdge.MediaRelay.Sessions;
using NatEdge.Shared.Security;
using NatEdge.Shared.Timing;

namespace NatEdge.MediaRelay;

/// <summary>Wires one relay together from validated options and runs it until asked to stop.</summary>
internal sealed class RelayHost : IAsyncDisposable
{
    /// <summary>Timer resolution: media timeouts are counted in seconds.</summary>
    private static readonly TimeSpan WheelTick = TimeSpan.FromMilliseconds(100);

    private readonly TimerWheel _wheel;
    private readonly AccountingLog _accounting;
    private readonly ControlServer _control;
    private readonly MonitorHttpServer? _monitor;
    private DispatcherDirectory? _dispatchers;
    private readonly List<IDisposable> _linkCertificates = [];

    public RelayHost(RelayOptions options, TimeProvider time)
    {
        Options = options;
        _wheel = new TimerWheel(time, WheelTick);
        _wheel.UnhandledCallbackException += e => RelayLog.Error($"timer callback failed: {e}");
        Context = new RelayContext(options, time, _wheel);
        _accounting = new AccountingLog(options.AccountingLog);
        Sessions = new SessionTable(Context, _accounting);
        Dispatcher = new ControlDispatcher(Sessions, Version);
        _control = new ControlServer(options.ControlSocket, options.ControlSocketMode, Dispatcher);
        if (options.Metrics is not null)
        {
            _monitor = new MonitorHttpServer(options.Metrics, new RelayMetrics(Sessions, Context, Dispatcher, DispatcherLinks),
                new StatusDocument(Sessions, Context, Version));
        }
    }

    public static string Version { get; } =
        typeof(RelayHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public RelayOptions Options { get; }
    public RelayContext Context { get; }
    public SessionTable Sessions { get; }
    public ControlDispatcher Dispatcher { get; }

    /// <summary>The dispatcher links that are up.</summary>
    public DispatcherLinkCount DispatcherLinks { get; } = new();

    public void Start()
    {
        // The monitoring port opens first: once the control socket exists, everything the relay serves is up.
        _monitor?.Start();
        _control.Start();
        StartDispatcherLinks();
        RelayLog.Info($"natedge-relay {Version} listening on {Options.ControlSocket}; media on {Options.RelayIp} " +
                      $"ports {Options.PortRangeLow}-{Options.PortRangeHigh} ({Context.Ports.Capacity / 2} streams), advertising {Context.AdvertisedIp}");
    }

    /// <summary>Dials every configured dispatcher (spec §3.1); throws <see cref="System.Security.Cryptography.CryptographicException"/> or <see cref="IOException"/> when the TLS files do not load.</summary>
    private void StartDispatcherLinks()
    {
        if (Options.Dispatchers.Count == 0) return;
        var certificate = RelayLinkCertificates.LoadIdentity(Options.TlsCertificate!, Options.TlsPrivateKey!);
        _linkCertificates.Add(certificate);
        var authority = RelayLinkCertificates.LoadAuthority(Options.TlsCa!);
        _linkCertificates.Add(authority);
        // A DNS question gets a quarter of a check interval (two tries, A and AAAA, fit in one), within 0.2-5 s.
        var dnsTimeout = TimeSpan.FromTicks(Math.Clamp(Options.DnsCheckInterval.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _dispatchers = new DispatcherDirectory(Options, certificate, authority, Dispatcher, Context.Time, DispatcherLinks, new DnsDispatcherResolver(Options.DnsServers, dnsTimeout));
        Sessions.SessionExpired += _dispatchers.ReportExpired;
        RelayLog.Info($"dispatchers {string.Join(" ", Options.Dispatchers.Select(d => $"{d.Host}:{d.Port}"))}; names looked up every {Options.DnsCheckInterval.TotalSeconds:0.###} s " +
                      (Options.DnsServers.Count == 0 ? "through the system's name servers" : $"at {string.Join(", ", Options.DnsServers)}"));
        _dispatchers.Start();
    }

    public async ValueTask DisposeAsync()
    {
        Sessions.Halt();
        if (_dispatchers is not null) await _dispatchers.DisposeAsync().ConfigureAwait(false);
        foreach (var certificate in _linkCertificates) certificate.Dispose();
        await _control.DisposeAsync().ConfigureAwait(false);
        if (_monitor is not null) await _monitor.DisposeAsync().ConfigureAwait(false);
        Sessions.EndAll();
        _wheel.Dispose();
        Context.Dispose();
        _accounting.Dispose();
        RelayLog.Info("natedge-relay stopped");
    }
}
