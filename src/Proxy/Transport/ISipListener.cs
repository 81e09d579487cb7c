using System.Net;

namespace NatEdge.Proxy.Transport;

/// <summary>A bound local socket that receives SIP: the "local side" of every received message.</summary>
public interface ISipListener
{
    SipTransportKind Transport { get; }

    /// <summary>The address actually bound (with the OS-chosen port when the configured port was 0).</summary>
    IPEndPoint LocalEndPoint { get; }
}
