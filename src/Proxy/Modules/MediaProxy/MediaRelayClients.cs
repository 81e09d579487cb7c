using System.Collections.Concurrent;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// One <see cref="MediaRelayClient"/> per relay socket and timeout for the whole process, made when a
/// script binds the first function that needs it (the module's child_init) and connected lazily on the
/// first request. mediaproxy and nathelper's rtpproxy functions naming the same socket share it.
/// </summary>
internal static class MediaRelayClients
{
    private static readonly ConcurrentDictionary<(string SocketPath, TimeSpan Timeout, Remote.RelayDispatcher? Dispatcher), Lazy<MediaRelayClient>> Clients = new();

    /// <summary>The client of a relay socket, routing through <paramref name="dispatcher"/> when remote relays are connected.</summary>
    public static MediaRelayClient For(string socketPath, TimeSpan timeout, Remote.RelayDispatcher? dispatcher = null) =>
        Clients.GetOrAdd(
            (socketPath, timeout, dispatcher),
            static key => new Lazy<MediaRelayClient>(() => new MediaRelayClient(
                new MediaRelayClientOptions { SocketPath = key.SocketPath, Timeout = key.Timeout, Dispatcher = key.Dispatcher }))).Value;

    /// <summary>The relay clients the loaded script made (control socket <c>relay status</c>).</summary>
    public static IReadOnlyList<MediaRelayClient> All => [.. Clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value)];

    private static readonly ConcurrentDictionary<MediaRelayClient, Lazy<EngagedMediaSessions>> Engaged = new();

    /// <summary>
    /// The dialog-driven sessions of a client: one dialog tracker per relay, registered for the host to feed.
    /// The first binding's settings hold for the life of the process.
    /// </summary>
    public static EngagedMediaSessions EngagedFor(MediaRelayClient client, uint? iceCandidatePriority, bool endExpiredCalls = false) =>
        Engaged.GetOrAdd(
            client,
            static (client, settings) => new Lazy<EngagedMediaSessions>(() =>
                EngagedMediaSessions.Register(new EngagedMediaSessions(new Dialog.DialogTracker(TimeProvider.System), client, settings.Ice, settings.EndExpiredCalls))),
            (Ice: iceCandidatePriority, EndExpiredCalls: endExpiredCalls)).Value;
}
