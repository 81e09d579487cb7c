using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// Resolves a target URI to a next hop over the proxy's own listeners (RFC 3263 reduced to what a
/// registrar's contacts need): the transport from the URI's transport parameter (UDP when absent),
/// the address from its host, which must be an IP literal (names need DNS, which this resolver does
/// not do), the port from the URI or 5060. The Via sent-by is the listener of that transport and
/// address family; a wildcard listener advertises <c>advertisedHost</c>.
/// </summary>
public sealed class SenderNextHopResolver : INextHopResolver
{
    private readonly SipSender _sender;
    private readonly List<(SipTransportKind Transport, AddressFamily Family, byte[] Token, byte[] SentBy)> _locals = [];

    public SenderNextHopResolver(SipSender sender, IEnumerable<ISipListener> listeners, string? advertisedHost = null)
    {
        _sender = sender;
        foreach (var listener in listeners)
        {
            var address = listener.LocalEndPoint.Address;
            var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
                ? advertisedHost
                : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            if (host is null)
            {
                continue;
            }

            _locals.Add((listener.Transport, address.AddressFamily, Encoding.ASCII.GetBytes(listener.Transport.ViaToken()),
                Encoding.ASCII.GetBytes($"{host}:{listener.LocalEndPoint.Port}")));
        }
    }

    public RelayError TryResolve(ReadOnlySpan<byte> uri, out NextHop hop)
    {
        hop = default;
        if (!SipUriParser.TryParse(uri, new TextRange(0, uri.Length), out var parsed) || !parsed.IsSipOrSips)
        {
            return RelayError.BadUri;
        }

        if (parsed.Scheme == UriScheme.Sips || !TryGetTransport(uri, parsed, out var transport))
        {
            // TLS is not offered, nor any transport but UDP and TCP.
            return RelayError.Unresolvable;
        }

        var host = uri.Slice(parsed.Host.Offset, parsed.Host.Length);
        if (parsed.IsIpv6Reference)
        {
            host = host[1..^1];
        }

        if (!IPAddress.TryParse(Encoding.ASCII.GetString(host), out var address))
        {
            return RelayError.Unresolvable;
        }

        foreach (var local in _locals)
        {
            if (local.Transport == transport && local.Family == address.AddressFamily)
            {
                var destination = new IPEndPoint(address, parsed.Port >= 0 ? parsed.Port : Sip.Writing.ResponseTargets.DefaultSipPort).Serialize();
                hop = new NextHop(new DownstreamChannel(_sender, transport, destination), local.Token, local.SentBy);
                return RelayError.None;
            }
        }

        return RelayError.Unresolvable;
    }

    private static bool TryGetTransport(ReadOnlySpan<byte> uri, in SipUri parsed, out SipTransportKind transport)
    {
        transport = SipTransportKind.Udp;
        if (!parsed.Parameters.IsPresent || parsed.Parameters.IsEmpty)
        {
            return true;
        }

        var reader = new SipParameterReader(uri, parsed.Parameters.Offset - 1, parsed.Parameters.End);
        while (reader.MoveNext())
        {
            if (!Ascii.EqualsIgnoreCase(reader.Name.Of(uri), "transport"u8))
            {
                continue;
            }

            var value = reader.Value.Of(uri);
            if (Ascii.EqualsIgnoreCase(value, "udp"u8))
            {
                return true;
            }

            transport = SipTransportKind.Tcp;
            return Ascii.EqualsIgnoreCase(value, "tcp"u8);
        }

        return true;
    }
}
