using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// A listening TCP socket: accepts connections up to the table's cap and runs each one. It also
/// opens outgoing connections from the same address family, so a message for a peer with no open
/// connection (RFC 3261 section 18.2.2: the connection broke before the response) can still go.
/// </summary>
public sealed class TcpSipListener : ISipListener, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TcpConnectionTable _table;
    private readonly ISipMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connectionTasks = [];
    private readonly Lock _tasksLock = new();
    private Task _acceptLoop = Task.CompletedTask;

    private TcpSipListener(Socket socket, TcpConnectionTable table, ISipMessageHandler handler, ILogger logger)
    {
        _socket = socket;
        _table = table;
        _handler = handler;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public SipTransportKind Transport => SipTransportKind.Tcp;

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    /// <summary>Binds and listens; throws <see cref="SocketException"/> when the address cannot be had.</summary>
    public static TcpSipListener Bind(IPEndPoint endPoint, TcpConnectionTable table, ISipMessageHandler handler, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            // Lets a restarted proxy bind while old connections sit in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(512);
            return new TcpSipListener(socket, table, handler, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start()
    {
        TransportLog.Listening(_logger, "tcp", LocalEndPoint);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stopping.Token));
    }

    /// <summary>Opens a connection to <paramref name="destination"/> and starts reading from it; null when that fails.</summary>
    public async ValueTask<TcpSipConnection?> ConnectAsync(SocketAddress destination, CancellationToken cancellationToken)
    {
        var remote = SocketAddressExtensions.ToIPEndPoint(destination);
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_table.Limits.TcpConnectTimeout, _table.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token, timeout.Token);
        try
        {
            await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            TransportLog.SendFailed(_logger, "tcp", remote, e is SocketException s ? s.SocketErrorCode.ToString() : "connect timeout");
            socket.Dispose();
            return null;
        }

        return Admit(socket);
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                // Running out of descriptors or a connection reset before accept: keep accepting.
                TransportLog.AcceptError(_logger, LocalEndPoint, e.SocketErrorCode.ToString());
                continue;
            }

            accepted.NoDelay = true;
            Admit(accepted);
        }
    }

    private TcpSipConnection? Admit(Socket socket)
    {
        var connection = new TcpSipConnection(socket, this, _table, _handler, _logger);
        if (!_table.TryAdd(connection))
        {
            TransportLog.ConnectionLimitReached(_logger, connection.RemoteEndPoint, _table.Count);
            socket.Dispose();
            return null;
        }

        var run = Task.Run(() => connection.RunAsync(_stopping.Token));
        lock (_tasksLock)
        {
            _connectionTasks.RemoveAll(t => t.IsCompleted);
            _connectionTasks.Add(run);
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (_tasksLock)
        {
            running = [.. _connectionTasks];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
