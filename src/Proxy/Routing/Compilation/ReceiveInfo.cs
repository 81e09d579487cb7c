using System.Net;

namespace NatEdge.Proxy.Routing.Compilation;

public enum TransportProtocol
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>
/// Where the message came from and which local socket took it in
/// (the src_ip, src_port, dst_ip, dst_port, proto and af operands).
/// </summary>
public readonly record struct ReceiveInfo(IPAddress SourceAddress, int SourcePort, IPAddress LocalAddress, int LocalPort, TransportProtocol Protocol);
