using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NatEdge.Shared.Security;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>
/// The relay end of the relay protocol (mediaproxy-protocol.md section 3), driven by the test: it dials the
/// dispatcher over TLS with a given client certificate, reads numbered requests and writes the lines the test
/// chooses.
/// </summary>
internal sealed class FakeRemoteRelay : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StreamReader _reader;
    private readonly Queue<string> _early = new();

    private FakeRemoteRelay(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
        _reader = new StreamReader(tls, Encoding.UTF8);
    }

    /// <summary>Dials and completes the TLS handshake; throws when the dispatcher refuses it.</summary>
    /// <param name="weight">The weight the relay reports in its summary; null reports none, as MediaProxy's relays do.</param>
    public static async Task<FakeRemoteRelay> ConnectAsync(IPEndPoint dispatcher, X509Certificate2 authority, X509Certificate2? certificate, int? weight = 1)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(dispatcher);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "proxy",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                RemoteCertificateValidationCallback = (_, presented, _, _) => RelayLinkCertificates.Verify(presented, authority, RelayLinkRole.Dispatcher, out _),
            }).WaitAsync(ReadTimeout);
            var relay = new FakeRemoteRelay(tcp, tls);
            // TLS 1.3 reports a refused client certificate only on the first read; a ping proves the link is up.
            await relay.WriteLineAsync("ping");
            await relay.ReadPongAsync();
            await relay.AnswerSummaryAsync(weight);
            return relay;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>The command line of the request the dispatcher sent first, once connected.</summary>
    public string? SummaryRequest { get; private set; }

    /// <summary>The dispatcher asks a relay that connects for its summary before it gives it a session.</summary>
    private async Task AnswerSummaryAsync(int? weight)
    {
        var request = await ReadRequestAsync();
        SummaryRequest = request.ShouldHaveSingleItem();
        SummaryRequest.ShouldStartWith("summary ");
        var sequence = SummaryRequest["summary ".Length..];
        var weightField = weight is null ? "" : $",\"weight\":{weight}";
        await WriteLineAsync($"{sequence} {{\"ip\":\"127.0.0.1\",\"status\":\"active\",\"session_count\":0{weightField}}}");
    }

    public async Task WriteLineAsync(string line)
    {
        await _tls.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        await _tls.FlushAsync();
    }

    /// <summary>The next line from the dispatcher, lines that came before an awaited pong first.</summary>
    public async Task<string?> ReadLineAsync() =>
        _early.TryDequeue(out var early) ? early : await _reader.ReadLineAsync().WaitAsync(ReadTimeout);

    /// <summary>
    /// Waits for the pong to a ping. A request the dispatcher sent meanwhile (a reconnecting relay is asked for
    /// its sessions at once) is kept for <see cref="ReadLineAsync"/>.
    /// </summary>
    public async Task ReadPongAsync()
    {
        var pending = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(ReadTimeout)
                ?? throw new IOException("the dispatcher ended the link before its pong");
            if (line == "pong") break;
            pending.Add(line);
        }

        foreach (var line in pending) _early.Enqueue(line);
    }

    /// <summary>One request: its command line and header lines, up to the empty line.</summary>
    public async Task<List<string>> ReadRequestAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}
