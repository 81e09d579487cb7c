using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Core;

/// <summary>
/// What "myself" means (route-script spec 4.3): a URI whose host is one of the listen addresses
/// or an alias, and whose port (5060 when absent, 5061 for sips) is one the proxy listens on.
/// Built once at start-up from the bound listeners; lookups compare bytes and parse an address
/// only for IPv6 text that is not in canonical form.
/// </summary>
public sealed class LocalIdentity
{
    private readonly HashSet<IPAddress> _addresses;
    private readonly byte[][] _names;
    private readonly HashSet<int> _ports;

    public LocalIdentity(IEnumerable<IPEndPoint> listening, IEnumerable<string> aliases)
    {
        var endPoints = listening.ToList();
        _ports = [.. endPoints.Select(e => e.Port)];
        _addresses = [];
        foreach (var endPoint in endPoints)
        {
            if (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                // A wildcard listener answers on every address of the host.
                _addresses.UnionWith(HostAddresses(endPoint.Address.AddressFamily));
            }
            else
            {
                _addresses.Add(endPoint.Address);
            }
        }

        var names = new List<byte[]>();
        foreach (var alias in aliases)
        {
            var (host, port) = SplitAlias(alias);
            names.Add(Encoding.ASCII.GetBytes(host.ToLowerInvariant()));
            if (port is { } p)
            {
                _ports.Add(p);
            }
        }

        names.AddRange(_addresses.Select(a => Encoding.ASCII.GetBytes(a.ToString())));
        _names = [.. names];
    }

    public bool IsMyself(ReadOnlySpan<byte> message, in SipUri uri)
    {
        if (!uri.IsSipOrSips)
        {
            return false;
        }

        var port = uri.Port >= 0 ? uri.Port : uri.Scheme == UriScheme.Sips ? 5061 : 5060;
        return _ports.Contains(port) && IsLocalHost(uri.Host.Of(message), uri.IsIpv6Reference);
    }

    public bool IsLocalHost(ReadOnlySpan<byte> host, bool ipv6Reference)
    {
        if (ipv6Reference && host.Length >= 2)
        {
            host = host[1..^1];
        }

        foreach (var name in _names)
        {
            if (Ascii.EqualsIgnoreCase(host, name))
            {
                return true;
            }
        }

        if (!ipv6Reference || host.Length > 64)
        {
            return false;
        }

        // IPv6 has many spellings of one address ("::1", "0:0:0:0:0:0:0:1"); compare as addresses.
        Span<char> text = stackalloc char[host.Length];
        Ascii.ToUtf16(host, text, out _);
        return IPAddress.TryParse(text, out var address) && _addresses.Contains(address);
    }

    private static (string Host, int? Port) SplitAlias(string alias)
    {
        // SER accepts alias=[proto:]host[:port]; only host and port matter for "myself".
        var text = alias;
        foreach (var prefix in new[] { "udp:", "tcp:", "tls:", "sctp:" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..];
            }
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && !text.EndsWith(']') && text.IndexOf(':', StringComparison.Ordinal) == colon
            && int.TryParse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return (text[..colon], port);
        }

        return (text.Trim('[', ']'), null);
    }

    private static IEnumerable<IPAddress> HostAddresses(System.Net.Sockets.AddressFamily family) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == family);
}
