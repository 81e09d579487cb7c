using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NatEdge.Shared.Security;

namespace NatEdge.MediaRelay.Tests.Control;

/// <summary>
/// The dispatcher end of the relay protocol (mediaproxy-protocol.md section 3), driven by the test: a TLS
/// listener on loopback that requires a relay certificate from its CA and hands each accepted link to the test.
/// </summary>
internal sealed class FakeDispatcher : IDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2 _authority;

    public FakeDispatcher(X509Certificate2 certificate, X509Certificate2 authority)
    {
        _certificate = certificate;
        _authority = authority;
        _listener.Start();
    }

    public DnsEndPoint EndPoint => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>The next relay connection, after a TLS handshake that required and checked its certificate.</summary>
    public async Task<Link> AcceptAsync()
    {
        var client = await _listener.AcceptTcpClientAsync().WaitAsync(WaitLimit);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _certificate,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, presented, _, _) => RelayLinkCertificates.Verify(presented, _authority, RelayLinkRole.Relay, out _),
        }).WaitAsync(WaitLimit);
        return new Link(client, tls);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
    }

    internal sealed class Link(TcpClient client, SslStream tls) : IDisposable
    {
        private readonly StreamReader _reader = new(tls, Encoding.UTF8);

        public async Task WriteAsync(string text)
        {
            await tls.WriteAsync(Encoding.UTF8.GetBytes(text));
            await tls.FlushAsync();
        }

        /// <summary>The next line, or null when the relay closed the link.</summary>
        public async Task<string?> ReadLineAsync() => await _reader.ReadLineAsync().WaitAsync(WaitLimit);

        /// <summary>The next line that is not a ping, answering the pings met on the way.</summary>
        public async Task<string?> ReadReplyAsync()
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line != "ping") return line;
                await WriteAsync("pong\r\n");
            }
        }

        public void Dispose()
        {
            tls.Dispose();
            client.Dispose();
        }
    }
}
