using System.Net;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// One listen line, <c>[proto:]addr[:port]</c>, as SER writes it: without a transport it means
/// every transport NatEdge offers, without a port the script's <c>port=</c> (default 5060).
/// </summary>
public readonly record struct ListenSpec(SipTransportKind? Transport, IPAddress Address, int? Port)
{
    /// <summary>RFC 3261 section 19.1.2: the default port of sip: over UDP and TCP.</summary>
    public const int DefaultSipPort = 5060;

    public IEnumerable<ListenEndpoint> Expand(int defaultPort)
    {
        var port = Port ?? defaultPort;
        if (Transport is { } only)
        {
            yield return new ListenEndpoint(only, new IPEndPoint(Address, port));
            yield break;
        }

        yield return new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(Address, port));
        yield return new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(Address, port));
    }

    public override string ToString()
    {
        var address = Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
        var transport = Transport is { } t ? t.ListenToken() + ":" : string.Empty;
        return Port is { } p ? $"{transport}{address}:{p}" : transport + address;
    }
}

/// <summary>A resolved socket to bind: one transport, one address, one port (0 lets the OS choose).</summary>
public readonly record struct ListenEndpoint(SipTransportKind Transport, IPEndPoint EndPoint)
{
    public override string ToString() => $"{Transport.ListenToken()}:{EndPoint}";
}
