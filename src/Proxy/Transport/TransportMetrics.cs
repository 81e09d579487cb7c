using System.Diagnostics.Metrics;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// The transport's instruments. The receive path only bumps plain counters on the listeners and
/// the connection table; these observable instruments read them when a scrape asks, so a packet
/// costs no metrics call. Exported names carry the meter's prefix, e.g.
/// natedge_proxy_transport_udp_datagrams.
/// </summary>
public sealed class TransportMetrics : IDisposable
{
    public const string MeterName = "NatEdge.Proxy.Transport";

    private readonly Meter _meter = new(MeterName);

    public TransportMetrics(IReadOnlyList<UdpSipListener> udp, TcpConnectionTable connections)
    {
        _meter.CreateObservableCounter("udp.datagrams", () => Sum(udp, l => l.DatagramsReceived), "{datagram}", "UDP datagrams received");
        _meter.CreateObservableCounter("udp.received", () => Sum(udp, l => l.BytesReceived), "By", "UDP payload bytes received");
        _meter.CreateObservableUpDownCounter("tcp.connections.open", () => (long)connections.Count, "{connection}", "TCP connections open");
        _meter.CreateObservableCounter("tcp.connections.admitted", () => connections.Admitted, "{connection}", "TCP connections accepted or opened");
        _meter.CreateObservableCounter("tcp.connections.refused", () => connections.Refused, "{connection}", "TCP connections closed at once: the connection cap was reached");
        _meter.CreateObservableCounter("tcp.connections.idle_closed", () => connections.IdleClosed, "{connection}", "TCP connections closed after the idle timeout");
        _meter.CreateObservableCounter("tcp.framing_errors", () => connections.FramingErrors, "{connection}", "TCP connections closed because the stream could not be framed");
    }

    private static long Sum(IReadOnlyList<UdpSipListener> listeners, Func<UdpSipListener, long> read)
    {
        long total = 0;
        foreach (var listener in listeners)
        {
            total += read(listener);
        }

        return total;
    }

    public void Dispose() => _meter.Dispose();
}
