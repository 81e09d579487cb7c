using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>
/// The relay's monitoring port (<c>--metrics IP:PORT</c>): Prometheus text on <c>/metrics</c>, the status page on
/// <c>/</c> and <c>/status</c>, its data on <c>/status.json</c>. One request per connection, answered in turn:
/// scrapes and a few browsers are all it serves.
/// </summary>
internal sealed class MonitorHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan RequestReadLimit = TimeSpan.FromSeconds(2);

    private readonly TcpListener _listener;
    private readonly RelayMetrics _metrics;
    private readonly StatusDocument _status;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public MonitorHttpServer(IPEndPoint endpoint, RelayMetrics metrics, StatusDocument status)
    {
        _listener = new TcpListener(endpoint);
        _metrics = metrics;
        _status = status;
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
                await AnswerAsync(client.GetStream()).ConfigureAwait(false);
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

    private async Task AnswerAsync(NetworkStream stream)
    {
        var request = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(RequestReadLimit);
        var length = await stream.ReadAsync(request, timeout.Token).ConfigureAwait(false);
        var route = HttpRequestLine.Path(request.AsSpan(0, length));
        switch (route)
        {
            case "/metrics":
                using (var body = new MemoryStream())
                {
                    await _metrics.Registry.CollectAndExportAsTextAsync(body, _stopping.Token).ConfigureAwait(false);
                    await WriteAsync(stream, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body.ToArray()).ConfigureAwait(false);
                }
                break;
            case "/status.json":
                await WriteAsync(stream, "200 OK", "application/json", _status.Render()).ConfigureAwait(false);
                break;
            case "/" or "/status":
                await WriteAsync(stream, "200 OK", "text/html; charset=utf-8", StatusPage.Html).ConfigureAwait(false);
                break;
            case null:
                await WriteAsync(stream, "400 Bad Request", "text/plain", "bad request\n"u8.ToArray()).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(stream, "404 Not Found", "text/plain", "not found: try /metrics, /status or /status.json\n"u8.ToArray()).ConfigureAwait(false);
                break;
        }
    }

    private async Task WriteAsync(NetworkStream stream, string status, string contentType, byte[] body)
    {
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, _stopping.Token).ConfigureAwait(false);
        await stream.WriteAsync(body, _stopping.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
