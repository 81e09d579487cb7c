using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Transport;

/// <summary>Listeners on loopback with OS-chosen ports, a connection table and a sender over them.</summary>
internal sealed class TransportFixture : IAsyncDisposable
{
    public TransportFixture(TransportLimits? limits = null, TimeProvider? timeProvider = null, IPAddress? address = null)
    {
        var bindTo = new IPEndPoint(address ?? IPAddress.Loopback, 0);
        Connections = new TcpConnectionTable(limits ?? new TransportLimits(), timeProvider ?? TimeProvider.System);
        Udp = UdpSipListener.Bind(bindTo, 2, Handler, NullLogger.Instance);
        Tcp = TcpSipListener.Bind(bindTo, Connections, Handler, NullLogger.Instance);
        Sender = new SipSender([Udp], [Tcp], Connections);
        Handler.Sender = Sender;
        Udp.Start();
        Tcp.Start();
    }

    public RecordingHandler Handler { get; } = new();

    public TcpConnectionTable Connections { get; }

    public UdpSipListener Udp { get; }

    public TcpSipListener Tcp { get; }

    public SipSender Sender { get; }

    public async ValueTask DisposeAsync()
    {
        Connections.AbortAll();
        await Tcp.DisposeAsync();
        await Udp.DisposeAsync();
        Connections.Dispose();
    }
}
