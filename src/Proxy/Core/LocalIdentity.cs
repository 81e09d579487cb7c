using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Core;

/// <summary>
/// What "myself" means (route-script spec 4.3), the one answer the route script's
/// <c>uri==myself</c> and <c>src_ip==myself</c> and every module use: a host and port are ours
/// when the host names a socket the proxy listens on and the port is that socket's port, or when
/// the host is an alias (an alias without a port matches any port, as SER's grep_aliases does).
/// A URI without a port means its scheme's default (5060, 5061 for sips).
/// A running proxy builds it from the sockets it actually bound (OS-chosen ports included); tools
/// that never bind (check, tests) build it from the script's listen lines.
/// Immutable after construction, so every worker reads it without locking.
/// </summary>
public sealed class LocalIdentity
{
    private readonly (byte[] Host, int Port)[] _names;
    private readonly (IPAddress Address, int Port)[] _addresses;

    public LocalIdentity(IEnumerable<IPEndPoint> listening, IEnumerable<HostAlias> aliases)
    {
        ArgumentNullException.ThrowIfNull(listening);
        ArgumentNullException.ThrowIfNull(aliases);
        var names = new List<(byte[], int)>();
        var addresses = new List<(IPAddress, int)>();
        foreach (var endPoint in listening)
        {
            foreach (var address in Expand(endPoint.Address))
            {
                addresses.Add((address, endPoint.Port));
                names.Add((Encoding.ASCII.GetBytes(address.ToString()), endPoint.Port));
            }

            if (IsWildcard(endPoint.Address))
            {
                names.Add(("localhost"u8.ToArray(), endPoint.Port));
            }
        }

        foreach (var alias in aliases)
        {
            names.Add((Encoding.ASCII.GetBytes(alias.Host.ToLowerInvariant()), alias.Port ?? 0));
        }

        _names = [.. names.Distinct(NameComparer.Instance)];
        _addresses = [.. addresses.Distinct()];
    }

    /// <summary>
    /// Myself as the script's own lines describe it, before anything is bound: each listen line
    /// that names an IP address on its port (port= when it has none), each listen line with a host
    /// name by that name, and with no listen line every address of the host on port=.
    /// </summary>
    public static LocalIdentity FromSettings(ScriptSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var endPoints = new List<IPEndPoint>();
        var named = new List<HostAlias>();
        foreach (var listen in settings.Listen)
        {
            if (listen.Address is { } address)
            {
                endPoints.Add(new IPEndPoint(address, settings.PortOf(listen.Port)));
            }
            else
            {
                named.Add(new HostAlias(listen.Host, settings.PortOf(listen.Port)));
            }
        }

        if (settings.Listen.Count == 0)
        {
            endPoints.Add(new IPEndPoint(IPAddress.Any, settings.Port));
            endPoints.Add(new IPEndPoint(IPAddress.IPv6Any, settings.Port));
        }

        return new LocalIdentity(endPoints, [.. named, .. settings.Aliases]);
    }

    /// <param name="host">The URI's host; an IPv6 reference with or without its brackets.</param>
    /// <param name="port">The URI's port, 0 when it has none.</param>
    /// <param name="defaultPort">The port a URI of this scheme means without one.</param>
    public bool Matches(ReadOnlySpan<byte> host, int port, int defaultPort = ScriptSettings.DefaultSipPort)
    {
        var effectivePort = port == 0 ? defaultPort : port;
        if (host.Length >= 2 && host[0] == (byte)'[' && host[^1] == (byte)']')
        {
            host = host[1..^1];
        }

        foreach (var (name, namePort) in _names)
        {
            if ((namePort == 0 || namePort == effectivePort) && Ascii.EqualsIgnoreCase(host, name))
            {
                return true;
            }
        }

        return host.Contains((byte)':') && MatchesIPv6Spelling(host, effectivePort);
    }

    /// <summary>Whether the address (its 4 or 16 bytes) is one the proxy listens on, on any port.</summary>
    public bool IsLocalAddress(ReadOnlySpan<byte> address)
    {
        Span<byte> candidate = stackalloc byte[16];
        foreach (var (local, _) in _addresses)
        {
            if (local.TryWriteBytes(candidate, out var length) && address.SequenceEqual(candidate[..length]))
            {
                return true;
            }
        }

        return false;
    }

    // IPv6 has many spellings of one address ("::1", "0:0:0:0:0:0:0:1"); compare as addresses.
    // Only reached for text that did not match a canonical spelling, so the common path never parses.
    private bool MatchesIPv6Spelling(ReadOnlySpan<byte> host, int port)
    {
        if (host.Length > 64)
        {
            return false;
        }

        Span<char> text = stackalloc char[host.Length];
        Ascii.ToUtf16(host, text, out _);
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        foreach (var (local, localPort) in _addresses)
        {
            if (localPort == port && local.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>A wildcard listener answers on every address of the host.</summary>
    private static IEnumerable<IPAddress> Expand(IPAddress address)
    {
        if (!IsWildcard(address))
        {
            return [address];
        }

        var family = address.AddressFamily;
        var loopback = family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == family)
            .Append(loopback)
            .Distinct();
    }

    private sealed class NameComparer : IEqualityComparer<(byte[] Host, int Port)>
    {
        public static readonly NameComparer Instance = new();

        public bool Equals((byte[] Host, int Port) x, (byte[] Host, int Port) y) => x.Port == y.Port && x.Host.AsSpan().SequenceEqual(y.Host);

        public int GetHashCode((byte[] Host, int Port) obj) => HashCode.Combine(obj.Port, obj.Host.Length);
    }
}
