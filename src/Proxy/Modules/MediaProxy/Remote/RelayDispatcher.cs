using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Shared.Control;
using NatEdge.Shared.Security;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// The dispatcher role of the proxy (mediaproxy-protocol.md sections 2 and 3): relays on other hosts dial
/// this TLS listener with a certificate from the operator's CA (anything else is refused and logged),
/// and the mediaproxy module's requests go to them. A Call-ID already on a relay stays on it; a new
/// session goes to an active relay (the <c>media_relay</c> one first, the others by calls per unit of weight, then
/// weighted at random: see <see cref="RemoteRelaySelection"/>), to the next one when a relay answers <c>error</c> or
/// <c>halting</c>, times out or is gone. A relay's weight comes from the <c>summary</c> it is asked for as it
/// connects. Thread-safe.
/// </summary>
public sealed class RelayDispatcher : IAsyncDisposable
{
    /// <summary>The relay name of calls on the module's socket: no certificate subject is empty.</summary>
    private const string LocalRelay = "";

    private readonly RelayDispatcherOptions _options;
    private ILogger _logger;
    private readonly ConcurrentDictionary<string, RemoteRelayLink> _relays = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RelaySessionEntry> _sessions = new(StringComparer.Ordinal);

    /// <summary>Live (not expired) calls per relay name: the load a new session's choice weighs. Changed only with <see cref="_sessions"/>.</summary>
    private readonly ConcurrentDictionary<string, int> _callsByRelay = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<string, long> _absentSince = new(StringComparer.Ordinal);
    private ITimer? _sweep;
    private ITimer? _recoverCheck;
    private X509Certificate2? _certificate;
    private X509Certificate2? _authority;
    private Socket? _listener;
    private Task? _acceptLoop;

    public RelayDispatcher(RelayDispatcherOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    public RelayDispatcherOptions Options => _options;

    /// <summary>Where the listener is bound (the OS-chosen port when the options said 0); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Relays connected now, by certificate subject.</summary>
    public IReadOnlyCollection<string> ConnectedRelays => [.. _relays.Keys];

    /// <summary>Calls the dispatcher knows, with the relay each is on.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>
    /// A relay reported one of the dispatcher's calls expired (spec §2: MediaProxy then asks the proxy to end
    /// the dialog). Runs on the relay link's read loop: handlers hand longer work off.
    /// </summary>
    public event Action<RelaySessionExpiry>? SessionExpired;

    /// <summary>Live calls on the relay named <paramref name="relay"/> (certificate subject).</summary>
    public int CallsOn(string relay) => _callsByRelay.TryGetValue(relay, out var calls) ? calls : 0;

    /// <summary>The weight a connected relay reported in its summary; null when it is not connected.</summary>
    public int? WeightOf(string relay) => _relays.TryGetValue(relay, out var link) ? link.Weight : null;

    /// <summary>Where connections, refusals and timeouts are logged; set before <see cref="Start"/>.</summary>
    public void UseLogger(ILogger logger) => _logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// Loads the certificates and listens. Throws <see cref="RelayDispatcherException"/> when a
    /// certificate cannot be loaded or the address cannot be bound.
    /// </summary>
    public void Start()
    {
        try
        {
            _certificate = RelayLinkCertificates.LoadIdentity(_options.CertificatePath, _options.PrivateKeyPath);
            _authority = RelayLinkCertificates.LoadAuthority(_options.AuthorityPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new RelayDispatcherException($"relay dispatcher: cannot load its certificate, key or CA: {e.Message}", e);
        }

        var listener = new Socket(_options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(_options.Listen);
            listener.Listen(64);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new RelayDispatcherException($"relay dispatcher: cannot listen on {_options.Listen}: {e.Message}", e);
        }

        _listener = listener;
        _sweep = _options.Time.CreateTimer(static state => ((RelayDispatcher)state!).Sweep(), this, _options.SweepInterval, _options.SweepInterval);
        var recoverCheck = RecoverCheckPeriod(_options);
        _recoverCheck = _options.Time.CreateTimer(static state => ((RelayDispatcher)state!).DropUnrecoveredRelays(), this, recoverCheck, recoverCheck);
        DispatcherLog.Listening(_logger, listener.LocalEndPoint!.ToString()!, _authority.Subject);
        _acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>
    /// True when this request goes to a remote relay: its call is on one, or it is not a call of the local
    /// relay and a remote relay is connected to take it.
    /// </summary>
    public bool Routes(ControlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not { } callId)
        {
            return false;
        }

        return _sessions.TryGetValue(callId, out var entry) ? entry.Relay != LocalRelay : !_relays.IsEmpty;
    }

    /// <summary>
    /// Records the outcome of a request the local relay (the module's socket) answered: a call it took stays
    /// with it when remote relays connect later, until its <c>remove</c>.
    /// </summary>
    public void NoteLocalCall(ControlRequest request, RelayCallResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not { } callId)
        {
            return;
        }

        if (request.Command == ControlCommand.Update && result.IsMedia)
        {
            if (_sessions.TryAdd(callId, new RelaySessionEntry(LocalRelay, _options.Time.GetTimestamp())))
            {
                CountCall(LocalRelay, +1);
            }
        }
        else if (request.Command == ControlCommand.Remove && result.IsAnswered && _sessions.TryGetValue(callId, out var entry) && entry.Relay == LocalRelay)
        {
            Forget(callId, entry);
        }
    }

    /// <summary>Sends an <c>update</c> or <c>remove</c> to the relay that holds (or is to hold) the call (spec §2).</summary>
    public async ValueTask<RelayCallResult> SendAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not { } callId)
        {
            return Refuse("a request without call_id");
        }

        if (_sessions.TryGetValue(callId, out var entry))
        {
            return await SendToSessionRelayAsync(request, callId, entry, cancellationToken).ConfigureAwait(false);
        }

        if (request.Command != ControlCommand.Update)
        {
            return Refuse($"{ControlRequestWriter.CommandToken(request.Command)} for call {callId}, which is on no relay");
        }

        var failures = new List<string>();
        foreach (var relay in RemoteRelaySelection.Candidates(_relays.Values, request.MediaRelay, CallsOn, Random.Shared))
        {
            var result = await relay.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (result.IsMedia)
            {
                Track(callId, new RelaySessionEntry(relay.Name, _options.Time.GetTimestamp()));
                return result;
            }

            failures.Add(result.Detail ?? $"relay {relay.Name} answered {result.Reply?.Kind}");
        }

        return Refuse($"no suitable relay for call {callId} ({(failures.Count == 0 ? "none active" : string.Join("; ", failures))})");
    }

    private async ValueTask<RelayCallResult> SendToSessionRelayAsync(ControlRequest request, string callId, RelaySessionEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Expired && request.Command == ControlCommand.Remove)
        {
            // The relay ended the session itself and said so: the module's remove is answered here (spec §2).
            Forget(callId, entry);
            return new RelayCallResult(RelayCallStatus.Answered, ControlReply.Removed());
        }

        if (!_relays.TryGetValue(entry.Relay, out var relay))
        {
            return new RelayCallResult(RelayCallStatus.Unreachable, null, $"call {callId} is on relay {entry.Relay}, which is not connected");
        }

        var result = await relay.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Command != ControlCommand.Remove || !result.IsAnswered)
        {
            return result;
        }

        // The relay answers a remove with the session's statistics; the module expects removed (spec §1.2, §2).
        if (_sessions.TryGetValue(callId, out var current))
        {
            Forget(callId, current);
        }
        return new RelayCallResult(RelayCallStatus.Answered, result.Reply!.Kind == ControlReplyKind.Error ? ControlReply.Error() : ControlReply.Removed());
    }

    /// <summary>Records the relay a new call is on; a call already recorded (two first updates racing) moves its count.</summary>
    private void Track(string callId, RelaySessionEntry entry)
    {
        while (true)
        {
            if (_sessions.TryAdd(callId, entry))
            {
                CountCall(entry.Relay, +1);
                return;
            }

            if (_sessions.TryGetValue(callId, out var existing) && _sessions.TryUpdate(callId, entry, existing))
            {
                if (!existing.Expired)
                {
                    CountCall(existing.Relay, -1);
                }

                CountCall(entry.Relay, +1);
                return;
            }
        }
    }

    /// <summary>Forgets a call if it is still recorded as <paramref name="entry"/>; true when this call removed it.</summary>
    private bool Forget(string callId, RelaySessionEntry entry)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, RelaySessionEntry>(callId, entry)))
        {
            return false;
        }

        if (!entry.Expired)
        {
            CountCall(entry.Relay, -1);
        }

        return true;
    }

    private void CountCall(string relay, int change) =>
        _callsByRelay.AddOrUpdate(relay, static (_, change) => Math.Max(0, change), static (_, calls, change) => Math.Max(0, calls + change), change);

    /// <summary>
    /// Asks a relay that has just connected for its <c>summary</c> and takes its <c>weight</c> (a NatEdge field;
    /// MediaProxy's relays send none, and count as 1). Bounded by the relay timeout.
    /// </summary>
    private async Task LearnWeightAsync(RemoteRelayLink relay)
    {
        var answer = await relay.SendAsync(new ControlRequest { Command = ControlCommand.Summary }, _stopping.Token).ConfigureAwait(false);
        if (answer.Reply is not { Kind: ControlReplyKind.Json, Json: { } json })
        {
            DispatcherLog.NoWeight(_logger, relay.Name, answer.Detail ?? $"answered {answer.Reply?.Kind}");
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("weight", out var weight)
                && weight.TryGetInt32(out var value)
                && value >= 1)
            {
                relay.Weight = value;
            }
            else if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("weight", out _))
            {
                DispatcherLog.NoWeight(_logger, relay.Name, "weight is not a whole number of at least 1");
            }
        }
        catch (JsonException e)
        {
            DispatcherLog.NoWeight(_logger, relay.Name, e.Message);
        }
    }

    private static RelayCallResult Refuse(string why) => new(RelayCallStatus.Answered, ControlReply.Error(), why);

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var connection = ServeAsync(client);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        client.NoDelay = true;
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var stream = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        string? refusal = null;
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            handshake.CancelAfter(_options.HandshakeTimeout);
            try
            {
                await stream.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ClientCertificateRequired = true,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                            RelayLinkCertificates.Verify(certificate, _authority!, RelayLinkRole.Relay, out refusal),
                    },
                    handshake.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                if (!_stopping.IsCancellationRequested)
                {
                    DispatcherLog.Refused(_logger, remote.ToString(), refusal is { Length: > 0 } ? refusal : $"no TLS handshake ({e.Message})");
                }

                return;
            }
        }

        var name = stream.RemoteCertificate!.Subject;
        var link = new RemoteRelayLink(name, remote.Address.ToString(), remote.ToString(), stream, _options, _logger, OnExpired);
        var running = link.RunAsync();
        // The weight is known before the relay takes its first session.
        await LearnWeightAsync(link).ConfigureAwait(false);
        if (_relays.TryGetValue(name, out var older))
        {
            DispatcherLog.Replaced(_logger, name, remote.ToString());
        }

        // A newer connection of the same relay replaces the old one (spec §2); its calls follow the name.
        _relays[name] = link;
        _absentSince.TryRemove(name, out _);
        older?.Close();
        DispatcherLog.Connected(_logger, name, remote.ToString(), link.Weight);
        await ForgetSessionsTheRelayLostAsync(link).ConfigureAwait(false);
        var reason = await running.ConfigureAwait(false);
        if (_relays.TryRemove(new KeyValuePair<string, RemoteRelayLink>(name, link)))
        {
            _absentSince[name] = _options.Time.GetTimestamp();
        }

        link.Dispose();
        if (!_stopping.IsCancellationRequested)
        {
            DispatcherLog.Disconnected(_logger, name, remote.ToString(), reason);
        }
    }

    /// <summary>
    /// A relay that (re)connects is asked for its <c>sessions</c>; calls the dispatcher had on it that it no
    /// longer lists are forgotten (spec §2: "statistics are probably lost"). Only calls known before the
    /// question are judged, so a call the relay takes meanwhile is never dropped.
    /// </summary>
    private async Task ForgetSessionsTheRelayLostAsync(RemoteRelayLink relay)
    {
        var known = _sessions.Where(entry => entry.Value.Relay == relay.Name && !entry.Value.Expired).Select(entry => entry.Key).ToList();
        if (known.Count == 0)
        {
            return;
        }

        var answer = await relay.SendAsync(new ControlRequest { Command = ControlCommand.Sessions }, _stopping.Token).ConfigureAwait(false);
        if (answer.Reply is not { Kind: ControlReplyKind.Json, Json: { } json })
        {
            return;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var session in document.RootElement.EnumerateArray())
            {
                if (CallIdOf(session) is { } callId)
                {
                    listed.Add(callId);
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        foreach (var callId in known)
        {
            if (!listed.Contains(callId) && _sessions.TryGetValue(callId, out var entry) && Forget(callId, entry))
            {
                DispatcherLog.Lost(_logger, relay.Name, callId);
            }
        }
    }

    private static string? CallIdOf(JsonElement session) =>
        session.ValueKind == JsonValueKind.Object && session.TryGetProperty("call_id", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Forgets calls whose relay has stayed away too long, and expired calls no <c>remove</c> came for (spec §2).</summary>
    private void Sweep()
    {
        foreach (var (callId, entry) in _sessions)
        {
            if (ShouldForget(entry))
            {
                Forget(callId, entry);
            }
        }
    }

    /// <summary>
    /// Often enough that a relay is dropped within a quarter of the shorter of its timers after it is due
    /// (at most a second late): the check only reads a timestamp per connected relay.
    /// </summary>
    private static TimeSpan RecoverCheckPeriod(RelayDispatcherOptions options)
    {
        var shorter = options.RecoverInterval < options.PingTimeout ? options.RecoverInterval : options.PingTimeout;
        var period = shorter / 4;
        return period > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1)
            : period < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10)
            : period;
    }

    /// <summary>
    /// A relay timed out longer than <see cref="RelayDispatcherOptions.RecoverInterval"/> is dropped (spec §3.2
    /// <c>relay_recover_interval</c>): its link is closed and the calls on it are forgotten, so their later
    /// requests are refused at once instead of waiting for a relay that does not answer.
    /// </summary>
    private void DropUnrecoveredRelays()
    {
        var now = _options.Time.GetTimestamp();
        foreach (var (name, relay) in _relays)
        {
            var timedOutFor = relay.TimedOutFor(now);
            if (timedOutFor <= _options.RecoverInterval || !_relays.TryRemove(new KeyValuePair<string, RemoteRelayLink>(name, relay)))
            {
                continue;
            }

            var forgotten = 0;
            foreach (var (callId, entry) in _sessions)
            {
                if (entry.Relay == name && Forget(callId, entry))
                {
                    forgotten++;
                }
            }

            DispatcherLog.Dropped(_logger, name, relay.Remote, timedOutFor.TotalMilliseconds, forgotten);
            relay.Close();
        }
    }

    private bool ShouldForget(RelaySessionEntry entry)
    {
        if (entry.Expired)
        {
            return _options.Time.GetElapsedTime(entry.Since) > _options.ForgetExpiredAfter;
        }

        if (entry.Relay == LocalRelay)
        {
            // The local relay reports no expiry to the dispatcher: a call with no remove is only noted so long.
            return _options.Time.GetElapsedTime(entry.Since) > _options.ForgetAbsentRelayAfter;
        }

        return _absentSince.TryGetValue(entry.Relay, out var absent) && _options.Time.GetElapsedTime(absent) > _options.ForgetAbsentRelayAfter;
    }

    private void OnExpired(RemoteRelayLink relay, string json)
    {
        RelaySessionExpiry? expiry;
        try
        {
            using var document = JsonDocument.Parse(json);
            expiry = RelaySessionExpiry.From(relay.Name, document.RootElement);
        }
        catch (JsonException)
        {
            return;
        }

        if (expiry is null || !_sessions.TryGetValue(expiry.CallId, out var entry) || entry.Relay != relay.Name)
        {
            return;
        }

        if (_sessions.TryUpdate(expiry.CallId, entry with { Expired = true, Since = _options.Time.GetTimestamp() }, entry) && !entry.Expired)
        {
            CountCall(entry.Relay, -1);
        }

        DispatcherLog.Expired(_logger, relay.Name, expiry.CallId);
        SessionExpired?.Invoke(expiry);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweep is not null)
        {
            await _sweep.DisposeAsync().ConfigureAwait(false);
        }

        if (_recoverCheck is not null)
        {
            await _recoverCheck.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        foreach (var relay in _relays.Values)
        {
            relay.Close();
        }

        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _certificate?.Dispose();
        _authority?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// The relay a call is on, by certificate subject; whether the relay reported it expired, and since when
    /// (creation, or expiry once expired).
    /// </summary>
    private sealed record RelaySessionEntry(string Relay, long Since, bool Expired = false);
}

/// <summary>The dispatcher cannot start: a certificate or key does not load, or the address is taken.</summary>
public sealed class RelayDispatcherException : Exception
{
    public RelayDispatcherException()
    {
    }

    public RelayDispatcherException(string message) : base(message)
    {
    }

    public RelayDispatcherException(string message, Exception inner) : base(message, inner)
    {
    }
}
