namespace NatEdge.Proxy.Modules.Rr;

/// <summary>A local socket as it is written into headers: its Via transport token (UDP, TCP) and host:port.</summary>
public readonly record struct SipInterface(ReadOnlyMemory<byte> Transport, ReadOnlyMemory<byte> HostPort)
{
    public bool SameAs(ReadOnlySpan<byte> transport, ReadOnlySpan<byte> hostPort)
        => System.Text.Ascii.EqualsIgnoreCase(Transport.Span, transport) && System.Text.Ascii.EqualsIgnoreCase(HostPort.Span, hostPort);
}
