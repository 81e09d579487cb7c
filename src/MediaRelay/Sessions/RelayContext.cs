using System.Net;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Forwarding;
using NatEdge.MediaRelay.Ports;
using NatEdge.Shared.Timing;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>What every session and stream of one relay shares: settings, clock, timer wheel, ports, receive threads.</summary>
internal sealed class RelayContext : IDisposable
{
    private PacketReactor? _reactor;

    public RelayContext(RelayOptions options, TimeProvider time, TimerWheel wheel)
    {
        Options = options;
        Time = time;
        Wheel = wheel;
        Ports = new PortAllocator(options.PortRangeLow, options.PortRangeHigh, options.PortQuarantine, time);
        Routable = new RoutablePolicy(options.RoutablePrivateRanges);
        AdvertisedIp = RelayOptionsBuilder.EffectiveAdvertisedIp(options);
        BindIp = options.RelayIp;
    }

    public RelayOptions Options { get; }
    public TimeProvider Time { get; }
    public TimerWheel Wheel { get; }
    public PortAllocator Ports { get; }
    public RoutablePolicy Routable { get; }
    public IPAddress AdvertisedIp { get; }
    public IPAddress BindIp { get; }

    /// <summary>Starts receiving for the endpoints of a new stream; the threads start with the first stream.</summary>
    public void StartLoop(RelayEndpoint endpoint) =>
        LazyInitializer.EnsureInitialized(ref _reactor, () => new PacketReactor(Options.ForwardingThreads)).Add(endpoint);

    /// <summary>
    /// Sockets of one kind each forwarding thread receives for, in thread order; zeros until the
    /// first stream starts the threads.
    /// </summary>
    public int[] ForwardingSockets(bool rtp) =>
        Volatile.Read(ref _reactor)?.EndpointsPerThread(rtp) ?? new int[Options.ForwardingThreads];

    public void Dispose() => _reactor?.Dispose();
}
