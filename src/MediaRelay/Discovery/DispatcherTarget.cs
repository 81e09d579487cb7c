using System.Net;

namespace NatEdge.MediaRelay.Discovery;

/// <summary>
/// One dispatcher to dial: the proxy's name (an SRV target, a host name, or an IP address as text), the dispatcher
/// port from the relay's settings, and the addresses the name had at the last good lookup, tried in order.
/// </summary>
internal sealed record DispatcherTarget(string Name, int Port, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>A link is known by name and port; its addresses may change from one lookup to the next.</summary>
    public string Key => $"{Name}:{Port}";

    public static DispatcherTarget ForAddress(IPAddress address, int port) => new(address.ToString(), port, [address]);

    public bool SameAddresses(DispatcherTarget other) => Addresses.SequenceEqual(other.Addresses);

    public override string ToString() => Addresses.Count == 1 && Name == Addresses[0].ToString() ? Key : $"{Key} ({string.Join(", ", Addresses)})";
}
