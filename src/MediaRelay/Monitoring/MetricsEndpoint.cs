using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatEdge.MediaRelay.Control;
using NatEdge.MediaRelay.Sessions;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>
/// A minimal Prometheus text endpoint (<c>--metrics IP:PORT</c>): every request gets the current figures,
/// read at scrape time from the session table and the dispatcher, so a packet costs no metrics call.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SessionTable _sessions;
    private readonly ControlDispatcher _dispatcher;
    private readonly string _version;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public MetricsEndpoint(IPEndPoint endpoint, SessionTable sessions, ControlDispatcher dispatcher, string version)
    {
        _listener = new TcpListener(endpoint);
        _sessions = sessions;
        _dispatcher = dispatcher;
        _version = version;
    }

    public void Start()
    {
        _listener.Start();
        _loop = ServeAsync();
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
                var stream = client.GetStream();
                var request = new byte[4096];
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                _ = await stream.ReadAsync(request, timeout.Token).ConfigureAwait(false);
                var body = Encoding.UTF8.GetBytes(Render());
                var head = Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
                    body.Length.ToString(CultureInfo.InvariantCulture) + "\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stopping.Token).ConfigureAwait(false);
                await stream.WriteAsync(body, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A client that hangs up or never sends a request costs nothing more.
            }
        }
    }

    private string Render()
    {
        using var summary = JsonDocument.Parse(_sessions.SummaryJson(_version));
        var root = summary.RootElement;
        var text = new StringBuilder();
        void Gauge(string name, string help, long value) =>
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
                .Append("# TYPE ").Append(name).Append(" gauge\n")
                .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Gauge("natedge_relay_sessions", "Sessions in the table.", root.GetProperty("session_count").GetInt64());
        Gauge("natedge_relay_packets_relayed_total", "Packets received from latched parties.", root.GetProperty("packets_relayed").GetInt64());
        Gauge("natedge_relay_packets_dropped_total", "Packets refused from foreign sources.", root.GetProperty("packets_dropped").GetInt64());
        Gauge("natedge_relay_port_pairs_in_use", "Port pairs bound to streams.", root.GetProperty("port_pairs_in_use").GetInt64());
        Gauge("natedge_relay_port_pairs_total", "Port pairs in the configured range.", root.GetProperty("port_pairs_total").GetInt64());
        Gauge("natedge_relay_port_exhaustions_total", "Updates refused because the port range was exhausted.", root.GetProperty("port_exhaustions").GetInt64());
        Gauge("natedge_relay_bps_relayed", "Bits per second relayed, 15 s average.", root.GetProperty("bps_relayed").GetInt64());
        Gauge("natedge_relay_control_requests_total", "Control requests received.", _dispatcher.Requests);
        Gauge("natedge_relay_allocated_bytes_total", "Bytes allocated by the process since it started (the packet path allocates none).", GC.GetTotalAllocatedBytes(precise: true));
        text.Append("# HELP natedge_relay_control_errors_total Control requests answered error, by reason.\n# TYPE natedge_relay_control_errors_total counter\n");
        foreach (var (reason, count) in _dispatcher.ErrorCounts())
            text.Append("natedge_relay_control_errors_total{reason=\"").Append(reason).Append("\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
