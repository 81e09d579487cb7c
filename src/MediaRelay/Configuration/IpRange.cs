using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NatEdge.MediaRelay.Configuration;

/// <summary>An IPv4 prefix (a.b.c.d/n).</summary>
public readonly record struct IpRange(uint Network, int PrefixLength)
{
    private uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public bool Contains(uint address) => (address & Mask) == (Network & Mask);

    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var prefix = 32;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), out prefix) || prefix is < 0 or > 32)) return false;
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily != AddressFamily.InterNetwork) return false;
        range = new IpRange(ToUInt32(address), prefix);
        return true;
    }

    public static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}
