using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// The myself test (route-script.md 4.3): a host is ours when it names a listen
/// address on a port we listen on, or an alias (an alias without a port matches any
/// port, as in SER). A URI without a port means its scheme's default (5060, sips 5061). Without any listen line the
/// proxy listens everywhere, so every local interface address counts.
/// </summary>
public sealed class MyselfMatcher
{
    private readonly List<(byte[] Host, int Port)> _names = [];
    private readonly List<byte[]> _addresses = [];

    public MyselfMatcher(ScriptSettings settings)
    {
        if (settings.Listen.Count == 0)
        {
            foreach (var address in LocalAddresses())
            {
                Add(address.ToString(), settings.Port);
                _addresses.Add(address.GetAddressBytes());
            }

            Add("localhost", settings.Port);
        }

        foreach (var listen in settings.Listen)
        {
            Add(listen.Address?.ToString() ?? listen.Host, settings.PortOf(listen.Port));
            if (listen.Address is not null)
            {
                _addresses.Add(listen.Address.GetAddressBytes());
            }
        }

        foreach (var alias in settings.Aliases)
        {
            Add(alias.Host, alias.Port ?? 0);
        }
    }

    /// <param name="port">The URI's port, its scheme's default when it has none.</param>
    public bool Matches(ReadOnlySpan<byte> host, int port)
    {
        foreach (var (name, namePort) in _names)
        {
            if ((namePort == 0 || namePort == port) && Ascii.EqualsIgnoreCase(host, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the address (its 4 or 16 bytes) is one the proxy listens on.</summary>
    public bool IsLocalAddress(ReadOnlySpan<byte> address)
    {
        foreach (var candidate in _addresses)
        {
            if (address.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private void Add(string host, int port) => _names.Add((Encoding.ASCII.GetBytes(host), port));

    private static IEnumerable<IPAddress> LocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Append(IPAddress.Loopback)
            .Append(IPAddress.IPv6Loopback)
            .Distinct();
}
