using System.Net;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>Sends one keepalive datagram from a given local UDP socket.</summary>
public interface INatPingSender
{
    /// <param name="socket">The binding's socket as usrloc stores it ("udp:198.18.0.1:5060"); null or unknown means any UDP socket of the destination's family.</param>
    /// <returns>False when no socket could send it.</returns>
    ValueTask<bool> SendAsync(string? socket, IPEndPoint destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
