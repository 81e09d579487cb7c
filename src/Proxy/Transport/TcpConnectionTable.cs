using System.Collections.Concurrent;
using System.Net;

namespace NatEdge.Proxy.Transport;

/// <summary>
/// Every open TCP connection, keyed by the remote address (IP and port). A reply or an in-dialog
/// request for a client behind NAT must go back over the connection the client opened, because
/// nothing can reach the client's address from outside; the table is how the sender finds it.
/// Ownership: a connection adds itself when it starts and removes itself when it ends; the table
/// also owns the idle sweep, one timer for all connections rather than one per connection.
/// </summary>
public sealed class TcpConnectionTable : IDisposable
{
    private readonly ConcurrentDictionary<SocketAddress, TcpSipConnection> _connections = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _idleTimeout;
    private readonly ITimer _sweep;
    private int _count;
    private long _accepted;
    private long _refused;
    private long _framingErrors;
    private long _idleClosed;

    public TcpConnectionTable(TransportLimits limits, TimeProvider timeProvider)
    {
        Limits = limits;
        _timeProvider = timeProvider;
        _idleTimeout = limits.TcpIdleTimeout;

        // Sweeping four times per timeout closes an idle connection at most a quarter late.
        var period = _idleTimeout / 4;
        _sweep = timeProvider.CreateTimer(_ => CloseIdle(), null, period, period);
    }

    public TransportLimits Limits { get; }

    public TimeProvider TimeProvider => _timeProvider;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Connections admitted since start (accepted or opened by us).</summary>
    public long Admitted => Interlocked.Read(ref _accepted);

    /// <summary>Connections closed at once because the cap was reached.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections closed because their byte stream could not be framed (RFC 3261 section 18.3).</summary>
    public long FramingErrors => Interlocked.Read(ref _framingErrors);

    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    internal void CountFramingError() => Interlocked.Increment(ref _framingErrors);

    public bool TryGet(SocketAddress remote, out TcpSipConnection connection)
    {
        if (_connections.TryGetValue(remote, out var found) && !found.IsClosed)
        {
            connection = found;
            return true;
        }

        connection = null!;
        return false;
    }

    /// <summary>Admits a connection unless the cap is reached; the newest connection to an address wins lookups.</summary>
    internal bool TryAdd(TcpSipConnection connection)
    {
        if (Interlocked.Increment(ref _count) > Limits.MaxTcpConnections)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _refused);
            return false;
        }

        Interlocked.Increment(ref _accepted);

        _connections[connection.RemoteAddress] = connection;
        return true;
    }

    internal void Remove(TcpSipConnection connection)
    {
        _connections.TryRemove(new KeyValuePair<SocketAddress, TcpSipConnection>(connection.RemoteAddress, connection));
        Interlocked.Decrement(ref _count);
    }

    private void CloseIdle()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (_, connection) in _connections)
        {
            if (_timeProvider.GetElapsedTime(connection.LastActivityTimestamp, now) >= _idleTimeout)
            {
                Interlocked.Increment(ref _idleClosed);
                connection.Abort("idle timeout");
            }
        }
    }

    public void AbortAll()
    {
        foreach (var (_, connection) in _connections)
        {
            connection.Abort("shutting down");
        }
    }

    public void Dispose() => _sweep.Dispose();
}
