using System.Net;
using NatEdge.Proxy.Modules.MediaProxy.Remote;
using NatEdge.Shared.Control;
using NatEdge.Shared.Security;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>A started dispatcher on a loopback port with its PKI, and the relays the test connects to it.</summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(2);
    private readonly List<FakeRemoteRelay> _relays = [];

    public DispatcherHarness(TimeProvider? time = null, Func<RelayDispatcherOptions, RelayDispatcherOptions>? adjust = null)
    {
        var options = new RelayDispatcherOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            CertificatePath = Pki.DispatcherCertificatePath,
            PrivateKeyPath = Pki.DispatcherKeyPath,
            AuthorityPath = Pki.AuthorityPath,
            RelayTimeout = RelayTimeout,
            Time = time ?? TimeProvider.System,
        };
        Dispatcher = new RelayDispatcher(adjust is null ? options : adjust(options));
        Dispatcher.Start();
    }

    public RelayLinkPki Pki { get; } = new();

    public RelayDispatcher Dispatcher { get; }

    /// <summary>Connects a relay with a certificate for <paramref name="name"/> and waits until the dispatcher has it.</summary>
    public async Task<FakeRemoteRelay> ConnectRelayAsync(string name, int? weight = 1)
    {
        using var certificate = Pki.Issue(name, RelayLinkRole.Relay);
        var relay = await FakeRemoteRelay.ConnectAsync(Dispatcher.LocalEndPoint!, Pki.Authority, certificate, weight);
        _relays.Add(relay);
        await WaitUntilAsync(() => Dispatcher.ConnectedRelays.Contains("CN=" + name));
        return relay;
    }

    /// <summary>Closes a relay's link and waits until the dispatcher has let it go.</summary>
    public async Task DisconnectAsync(FakeRemoteRelay relay)
    {
        _relays.Remove(relay);
        var before = Dispatcher.ConnectedRelays.Count;
        await relay.DisposeAsync();
        await WaitUntilAsync(() => Dispatcher.ConnectedRelays.Count < before);
    }

    /// <summary>A new call's update answered with media by <paramref name="relay"/>, the request numbered <paramref name="sequence"/>.</summary>
    public async Task EstablishAsync(FakeRemoteRelay relay, string callId, int sequence)
    {
        var sending = Dispatcher.SendAsync(Update(callId)).AsTask();
        (await relay.ReadRequestAsync())[0].ShouldBe($"update {sequence}");
        await relay.WriteLineAsync($"{sequence} 127.0.0.1 30000");
        (await sending.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        condition().ShouldBeTrue();
    }

    public static ControlRequest Update(string callId, string? mediaRelay = null) => new()
    {
        Command = ControlCommand.Update,
        Type = SdpMessageType.Request,
        CallId = callId,
        CSeq = 1,
        FromUri = "alice@example.org",
        ToUri = "bob@example.org",
        FromTag = "ft",
        UserAgent = "test",
        SignalingIp = "127.0.0.1",
        MediaRelay = mediaRelay,
        Media = [new MediaStreamDescription("audio", "127.0.0.1", 4000, MediaDirection.SendRecv)],
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await relay.DisposeAsync();
        }

        await Dispatcher.DisposeAsync();
        Pki.Dispose();
    }
}
