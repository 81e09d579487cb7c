using System.Net;
using System.Net.Sockets;
using NatEdge.MediaRelay.Configuration;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// Decides whether a party's SDP address may receive media before the party has latched (spec §4.4, §9):
/// public addresses and 127.0.0.0/8 may; RFC 1918, RFC 6598, link-local, "this network", multicast and
/// broadcast may not, unless listed in the relay's routable private ranges.
/// </summary>
public sealed class RoutablePolicy
{
    private static readonly IpRange[] NonRoutable =
    [
        new(0x00000000, 8),   // 0.0.0.0/8, including the hold address
        new(0x0A000000, 8),   // 10.0.0.0/8 (RFC 1918)
        new(0x64400000, 10),  // 100.64.0.0/10 (RFC 6598)
        new(0xA9FE0000, 16),  // 169.254.0.0/16 link-local
        new(0xAC100000, 12),  // 172.16.0.0/12 (RFC 1918)
        new(0xC0A80000, 16),  // 192.168.0.0/16 (RFC 1918)
        new(0xE0000000, 4),   // multicast
        new(0xF0000000, 4),   // reserved and broadcast
    ];

    private readonly IReadOnlyList<IpRange> _allowed;

    public RoutablePolicy(IReadOnlyList<IpRange> routablePrivateRanges) => _allowed = routablePrivateRanges;

    public bool IsRoutable(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork) return false;
        var value = IpRange.ToUInt32(address);
        foreach (var range in _allowed) if (range.Contains(value)) return true;
        foreach (var range in NonRoutable) if (range.Contains(value)) return false;
        return true;
    }
}
