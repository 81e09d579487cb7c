using System.Net;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Forwarding;
using NatEdge.MediaRelay.Ports;
using NatEdge.Shared.Timing;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>What every session and stream of one relay shares: settings, clock, timer wheel, ports.</summary>
internal sealed class RelayContext
{
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

    /// <summary>Starts the receive loops of a new stream; tests may observe or replace it.</summary>
    public Action<RelayEndpoint> StartLoop { get; init; } = endpoint => _ = ForwardingLoop.Start(endpoint);
}
