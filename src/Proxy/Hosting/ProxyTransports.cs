using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// Every listener of the running proxy, the TCP connection table and the sender over them.
/// Binding happens all at once at start-up: a proxy that cannot have every configured address
/// does not start half-listening.
/// </summary>
public sealed class ProxyTransports : IAsyncDisposable
{
    private readonly List<UdpSipListener> _udp = [];
    private readonly List<TcpSipListener> _tcp = [];

    private ProxyTransports(TcpConnectionTable connections)
    {
        Connections = connections;
        Sender = new SipSender(_udp, _tcp, connections);
        Metrics = new TransportMetrics(_udp, connections);
    }

    public IReadOnlyList<UdpSipListener> Udp => _udp;

    public IReadOnlyList<TcpSipListener> Tcp => _tcp;

    public IEnumerable<ISipListener> All => _udp.Cast<ISipListener>().Concat(_tcp);

    public TcpConnectionTable Connections { get; }

    public SipSender Sender { get; }

    public TransportMetrics Metrics { get; }

    /// <summary>
    /// Binds every endpoint, then builds the handler over the bound listeners and their sender. Throws
    /// <see cref="ListenException"/> naming the endpoint that could not be bound.
    /// </summary>
    public static async Task<ProxyTransports> BindAsync(
        ProxyRunSettings settings,
        Func<ProxyTransports, ISipMessageHandler> createHandler,
        ILoggerFactory loggers,
        TimeProvider timeProvider)
    {
        var transports = new ProxyTransports(new TcpConnectionTable(settings.Limits, timeProvider));
        var handler = new HandlerAfterBinding();
        var logger = loggers.CreateLogger("NatEdge.Proxy.Transport");
        try
        {
            foreach (var endpoint in settings.Endpoints)
            {
                try
                {
                    if (endpoint.Transport == SipTransportKind.Udp)
                    {
                        transports._udp.Add(UdpSipListener.Bind(endpoint.EndPoint, settings.ReceiveLoops, handler, logger));
                    }
                    else
                    {
                        transports._tcp.Add(TcpSipListener.Bind(endpoint.EndPoint, transports.Connections, handler, logger));
                    }
                }
                catch (SocketException e)
                {
                    throw new ListenException(endpoint, e);
                }
            }
        }
        catch
        {
            await transports.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Built once every socket is bound, so it sees the actual addresses (and OS-chosen ports).
        handler.Target = createHandler(transports);
        return transports;
    }

    public void Start()
    {
        foreach (var listener in _udp)
        {
            listener.Start();
        }

        foreach (var listener in _tcp)
        {
            listener.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connections.AbortAll();
        foreach (var listener in _tcp)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var listener in _udp)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        Connections.Dispose();
        Metrics.Dispose();
    }
}

/// <summary>An endpoint that could not be bound, with the OS's reason.</summary>
public sealed class ListenException(ListenEndpoint endpoint, SocketException inner)
    : Exception($"cannot listen on {endpoint}: {Describe(inner.SocketErrorCode)}", inner)
{
    public ListenEndpoint Endpoint { get; } = endpoint;

    private static string Describe(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "the address is already in use (another proxy running?)",
        SocketError.AddressNotAvailable => "no interface of this host has that address",
        SocketError.AccessDenied => "permission denied (ports below 1024 need privileges)",
        _ => error.ToString(),
    };
}

/// <summary>Lets listeners be bound before their handler exists; nothing is received before Start.</summary>
internal sealed class HandlerAfterBinding : ISipMessageHandler
{
    public ISipMessageHandler? Target { get; set; }

    private ISipMessageHandler Handler => Target ?? throw new InvalidOperationException("listeners started before their handler was built");

    public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken) =>
        Handler.HandleMessageAsync(message, context, cancellationToken);

    public ValueTask HandleFramingErrorAsync(NatEdge.Proxy.Sip.Parsing.StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken) =>
        Handler.HandleFramingErrorAsync(error, headerSection, context, cancellationToken);
}
