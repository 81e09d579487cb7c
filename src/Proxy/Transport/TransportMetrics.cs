using Prometheus;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// The transport's Prometheus series. The receive path only bumps plain fields on the listeners and
/// the connection table; a collect callback reads them when a scrape asks, so a packet costs no
/// metrics call. Counters hold totals since the process started: a process normally has one set of
/// transports, and the counts of a set already disposed (tests start several) stay in the totals.
/// </summary>
public sealed class TransportMetrics : IDisposable
{
    private static readonly Counter UdpDatagrams = Metrics.CreateCounter("natedge_proxy_udp_datagrams_received_total", "UDP datagrams received on the SIP listeners.");
    private static readonly Counter UdpBytes = Metrics.CreateCounter("natedge_proxy_udp_received_bytes_total", "UDP payload bytes received on the SIP listeners.");
    private static readonly Gauge TcpOpen = Metrics.CreateGauge("natedge_proxy_tcp_connections_open", "SIP TCP connections open.");
    private static readonly Counter TcpAdmitted = Metrics.CreateCounter("natedge_proxy_tcp_connections_admitted_total", "SIP TCP connections accepted or opened.");
    private static readonly Counter TcpRefused = Metrics.CreateCounter("natedge_proxy_tcp_connections_refused_total", "SIP TCP connections closed at once: the connection cap was reached.");
    private static readonly Counter TcpIdleClosed = Metrics.CreateCounter("natedge_proxy_tcp_connections_idle_closed_total", "SIP TCP connections closed after the idle timeout.");
    private static readonly Counter TcpFramingErrors = Metrics.CreateCounter("natedge_proxy_tcp_framing_errors_total", "SIP TCP connections closed because the stream could not be framed.");

    private static readonly object Gate = new();
    private static readonly List<TransportMetrics> Live = [];
    private static Totals _retired;

    private readonly IReadOnlyList<UdpSipListener> _udp;
    private readonly TcpConnectionTable _connections;

    static TransportMetrics() => Metrics.DefaultRegistry.AddBeforeCollectCallback(Collect);

    public TransportMetrics(IReadOnlyList<UdpSipListener> udp, TcpConnectionTable connections)
    {
        _udp = udp;
        _connections = connections;
        lock (Gate)
        {
            Live.Add(this);
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (Live.Remove(this))
            {
                _retired += Read() with { Open = 0 };
            }
        }
    }

    private Totals Read()
    {
        long datagrams = 0, bytes = 0;
        foreach (var listener in _udp)
        {
            datagrams += listener.DatagramsReceived;
            bytes += listener.BytesReceived;
        }

        return new Totals(datagrams, bytes, _connections.Count, _connections.Admitted, _connections.Refused, _connections.IdleClosed, _connections.FramingErrors);
    }

    private static void Collect()
    {
        Totals totals;
        lock (Gate)
        {
            totals = _retired;
            foreach (var transports in Live)
            {
                totals += transports.Read();
            }
        }

        UdpDatagrams.IncTo(totals.Datagrams);
        UdpBytes.IncTo(totals.Bytes);
        TcpOpen.Set(totals.Open);
        TcpAdmitted.IncTo(totals.Admitted);
        TcpRefused.IncTo(totals.Refused);
        TcpIdleClosed.IncTo(totals.IdleClosed);
        TcpFramingErrors.IncTo(totals.FramingErrors);
    }

    private readonly record struct Totals(long Datagrams, long Bytes, long Open, long Admitted, long Refused, long IdleClosed, long FramingErrors)
    {
        public static Totals operator +(Totals a, Totals b) => new(
            a.Datagrams + b.Datagrams,
            a.Bytes + b.Bytes,
            a.Open + b.Open,
            a.Admitted + b.Admitted,
            a.Refused + b.Refused,
            a.IdleClosed + b.IdleClosed,
            a.FramingErrors + b.FramingErrors);
    }
}
