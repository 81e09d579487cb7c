using System.Net;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>A resolved socket to bind: one transport, one address, one port (0 lets the OS choose).</summary>
public readonly record struct ListenEndpoint(SipTransportKind Transport, IPEndPoint EndPoint)
{
    public override string ToString() => $"{Transport.ListenToken()}:{EndPoint}";
}
