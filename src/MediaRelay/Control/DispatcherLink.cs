using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Discovery;
using NatEdge.Shared.Control;
using NatEdge.Shared.Security;

namespace NatEdge.MediaRelay.Control;

/// <summary>
/// The relay's link to one dispatcher (mediaproxy-protocol.md section 3): dials it over TLS with the relay's
/// certificate and checks the dispatcher's against the operator CA, answers its numbered requests from the
/// session table, sends <c>ping</c> every keepalive interval (three unanswered end the link) and
/// <c>expired</c> for sessions that end on their own. After a loss it dials again, first after the short
/// delay, then after the long one.
/// </summary>
/// <remarks>
/// The link remembers the calls whose sessions it created. A retired link (its dispatcher is no longer wanted) answers
/// <c>halting</c> to new sessions, keeps serving its own, and ends once none of them is left (MediaProxy keeps an old
/// dispatcher's connection for as long as it has sessions). The set of calls is guarded by its own lock; the read
/// loop adds and removes, the keepalive and the directory prune it against the session table.
/// </remarks>
internal sealed class DispatcherLink : IAsyncDisposable
{
    /// <summary>Pings without a pong after which the dispatcher is taken for gone (spec §3.2).</summary>
    private const int MaxUnansweredPings = 3;

    private static readonly byte[] PingLine = "ping\r\n"u8.ToArray();
    private static readonly byte[] PongLine = "pong\r\n"u8.ToArray();

    /// <summary>Replaced whole by the directory when DNS gives new addresses; read at each dial.</summary>
    private volatile DispatcherTarget _dispatcher;
    private readonly RelayOptions _options;
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2 _authority;
    private readonly ControlDispatcher _requests;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<string> _expired = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest });
    private Task? _run;

    private readonly DispatcherLinkCount? _count;
    private readonly HashSet<string> _calls = new(StringComparer.Ordinal);
    private int _reachability;
    private volatile bool _retired;

    public DispatcherLink(DispatcherTarget dispatcher, RelayOptions options, X509Certificate2 certificate, X509Certificate2 authority, ControlDispatcher requests, TimeProvider time, DispatcherLinkCount? count = null)
    {
        _count = count;
        _dispatcher = dispatcher;
        _options = options;
        _certificate = certificate;
        _authority = authority;
        _requests = requests;
        _time = time;
    }

    private string Name => _dispatcher.Key;

    public DispatcherTarget Target => _dispatcher;

    public LinkReachability Reachability => (LinkReachability)Volatile.Read(ref _reachability);

    /// <summary>Raised (on the link's own task) when <see cref="Reachability"/> changes.</summary>
    public event Action<DispatcherLink>? ReachabilityChanged;

    /// <summary>Raised once a retired link has ended because its last session did.</summary>
    public event Action<DispatcherLink>? Ended;

    public bool IsRetired => _retired;

    /// <summary>Calls whose sessions this link created and that may still be live.</summary>
    public int CallCount
    {
        get { lock (_calls) return _calls.Count; }
    }

    public void Start() => _run = RunAsync();

    /// <summary>New addresses for the same dispatcher, used from the next dial on; a link that is up stays up.</summary>
    public void UseAddresses(DispatcherTarget target) => _dispatcher = target;

    /// <summary>
    /// The dispatcher left DNS, or a better SRV priority answers again: no new sessions through this link, and the link
    /// ends when its own sessions have.
    /// </summary>
    public void Retire()
    {
        _retired = true;
        EndIfRetiredAndIdle();
    }

    /// <summary>The dispatcher is back in DNS before the retired link ended: it serves as before.</summary>
    public void Restore() => _retired = false;

    private void EndIfRetiredAndIdle()
    {
        if (!_retired) return;
        PruneCalls();
        if (CallCount > 0) return;
        try
        {
            // Not Cancel(): its callbacks would run the link's ending here, inside the caller's lock.
            _ = _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: it is ending anyway.
        }
    }

    /// <summary>Forgets calls whose sessions ended another way than by a remove through this link (expiry, another dispatcher).</summary>
    private void PruneCalls()
    {
        lock (_calls)
        {
            if (_calls.Count == 0) return;
        }

        var live = _requests.LiveCallIds();
        lock (_calls) _calls.IntersectWith(live);
    }

    private void SetReachability(LinkReachability state)
    {
        if (Interlocked.Exchange(ref _reachability, (int)state) != (int)state) ReachabilityChanged?.Invoke(this);
    }

    /// <summary>
    /// Answers one decoded request. A retired link refuses new sessions with <c>halting</c>, which sends the
    /// dispatcher to another relay (spec §3.2); the calls it created are tracked.
    /// </summary>
    private ControlReply Answer(ControlRequest request)
    {
        var callId = request.CallId;
        bool known;
        lock (_calls) known = callId is not null && _calls.Contains(callId);
        if (_retired && request.Command == ControlCommand.Update && !known) return ControlReply.Halting(request.Sequence);

        var reply = _requests.Handle(request);
        if (callId is null) return reply;
        if (request.Command == ControlCommand.Update && reply.Kind == ControlReplyKind.Media && !known)
        {
            lock (_calls) _calls.Add(callId);
        }
        else if (request.Command == ControlCommand.Remove && reply.Kind != ControlReplyKind.Error && known)
        {
            lock (_calls) _calls.Remove(callId);
        }

        return reply;
    }

    /// <summary>Queues the statistics of a session that ended on its own for the dispatcher; never blocks.</summary>
    public void ReportExpired(string statistics) => _expired.Writer.TryWrite(statistics);

    private async Task RunAsync()
    {
        try
        {
            await DialLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_retired)
            {
                RelayLog.Info($"dispatcher {Name} is no longer wanted and its last session has ended: link closed");
                Ended?.Invoke(this);
            }
        }
    }

    private async Task DialLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                await using var stream = await ConnectAsync().ConfigureAwait(false);
                RelayLog.Info($"connected to dispatcher {Name}");
                string reason;
                _count?.LinkUp();
                SetReachability(LinkReachability.Connected);
                try
                {
                    reason = await ServeAsync(stream).ConfigureAwait(false);
                }
                finally
                {
                    _count?.LinkDown();
                }

                if (_stopping.IsCancellationRequested) return;
                SetReachability(LinkReachability.Unreachable);
                RelayLog.Warn($"lost dispatcher {Name}: {reason}; dialling again in {_options.FirstReconnectDelay.TotalSeconds:0.###} s");
                delay = _options.FirstReconnectDelay;
            }
            catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException)
            {
                if (_stopping.IsCancellationRequested) return;
                SetReachability(LinkReachability.Unreachable);
                RelayLog.Warn($"cannot connect to dispatcher {Name}: {e.Message}; dialling again in {_options.ReconnectDelay.TotalSeconds:0.###} s");
                delay = _options.ReconnectDelay;
            }

            try
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // A retired link whose calls ended while it was away has nothing left to dial for.
            EndIfRetiredAndIdle();
        }
    }

    private async Task<SslStream> ConnectAsync()
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        // A dispatcher that accepts but never finishes the handshake must not hold the link forever.
        attempt.CancelAfter(_options.ReconnectDelay + TimeSpan.FromSeconds(5));
        var dispatcher = _dispatcher;
        var socket = await DialAsync(dispatcher, attempt.Token).ConfigureAwait(false);

        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        string refusal = string.Empty;
        try
        {
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = dispatcher.Name,
                    ClientCertificates = [_certificate],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = (_, presented, _, _) =>
                        RelayLinkCertificates.Verify(presented, _authority, RelayLinkRole.Dispatcher, out refusal),
                },
                attempt.Token).ConfigureAwait(false);
            return stream;
        }
        catch (AuthenticationException e) when (refusal.Length > 0)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new AuthenticationException($"dispatcher refused: {refusal}", e);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The first of the dispatcher's addresses that accepts a TCP connection, in the order DNS gave them.</summary>
    private static async Task<Socket> DialAsync(DispatcherTarget dispatcher, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in dispatcher.Addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, dispatcher.Port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Serves one established connection until it ends; returns why it ended.</summary>
    private async Task<string> ServeAsync(SslStream stream)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        using var writeGate = new SemaphoreSlim(1, 1);
        var unansweredPings = 0;
        var writer = new LinkWriter(stream, writeGate, connection.Token);
        var keepalive = KeepaliveAsync(writer, () => Interlocked.Increment(ref unansweredPings), connection);
        var expired = ForwardExpiredAsync(writer, connection.Token);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var decoder = new ControlRequestReader();
        string reason;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(connection.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var replies = new ArrayBufferWriter<byte>();
                while (true)
                {
                    if (TrySkipPong(ref buffer))
                    {
                        Interlocked.Exchange(ref unansweredPings, 0);
                        continue;
                    }

                    var status = decoder.TryRead(ref buffer, out var request, out var error, out var sequence);
                    if (status == ControlReadResult.Incomplete) break;
                    // A numbered request that does not decode still gets its numbered error, or the dispatcher would wait it out.
                    var reply = status == ControlReadResult.Request ? Answer(request!) : _requests.Reject(error).WithSequence(sequence);
                    ControlReplyWriter.Write(reply, replies);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (replies.WrittenCount > 0) await writer.WriteAsync(replies.WrittenMemory).ConfigureAwait(false);
                // Only once its answer is written may a retired link end for its last remove.
                EndIfRetiredAndIdle();
                if (result.IsCompleted)
                {
                    reason = "the dispatcher closed the connection";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = _stopping.IsCancellationRequested ? "stopping" : $"{MaxUnansweredPings} pings unanswered";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            reason = e.Message;
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await input.CompleteAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(keepalive, expired).ConfigureAwait(false);
        return reason;
    }

    private async Task KeepaliveAsync(LinkWriter writer, Func<int> countPing, CancellationTokenSource connection)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.KeepaliveInterval, _time, connection.Token).ConfigureAwait(false);
                PruneCalls();
                EndIfRetiredAndIdle();
                if (countPing() > MaxUnansweredPings)
                {
                    await connection.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await writer.WriteAsync(PingLine).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection ended; the read loop reports why.
        }
    }

    private async Task ForwardExpiredAsync(LinkWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var statistics in _expired.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(Encoding.UTF8.GetBytes(ControlReplyWriter.ToLine(ControlReply.Expired(statistics)))).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Reports queued while no dispatcher is connected wait for the next connection.
        }
    }

    /// <summary>The dispatcher's answer to a ping: one line on its own (spec §3.2, §6.5).</summary>
    private static bool TrySkipPong(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < PongLine.Length) return false;
        Span<byte> head = stackalloc byte[6];
        buffer.Slice(0, PongLine.Length).CopyTo(head);
        if (!head.SequenceEqual(PongLine)) return false;
        buffer = buffer.Slice(PongLine.Length);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_run is not null) await _run.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Whole lines onto the TLS stream, one writer at a time (replies, pings and expired reports share it).</summary>
    private sealed class LinkWriter(SslStream stream, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
