using System.Net;
using System.Net.Sockets;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// Sends keepalives from the proxy's own UDP listeners: the one whose bound address the binding's socket
/// names (a phone's NAT mapping only lets in packets from the address it sent its REGISTER to), or,
/// for a binding without a known socket, the first listener of the destination's family.
/// </summary>
public sealed class UdpNatPingSender(IReadOnlyList<UdpSipListener> listeners) : INatPingSender
{
    public async ValueTask<bool> SendAsync(string? socket, IPEndPoint destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var listener = Find(socket, destination.AddressFamily);
        return listener is not null && await listener.SendAsync(payload, destination.Serialize(), cancellationToken).ConfigureAwait(false);
    }

    private UdpSipListener? Find(string? socket, AddressFamily family)
    {
        if (socket is not null && TryParseSocket(socket, out var local))
        {
            foreach (var listener in listeners)
            {
                if (listener.LocalEndPoint.Port == local.Port
                    && (listener.LocalEndPoint.Address.Equals(local.Address) || IsAny(listener.LocalEndPoint.Address)))
                {
                    return listener;
                }
            }
        }

        foreach (var listener in listeners)
        {
            if (listener.AddressFamily == family)
            {
                return listener;
            }
        }

        return null;
    }

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>usrloc's socket column: "udp:198.18.0.1:5060" or "udp:[::1]:5060".</summary>
    private static bool TryParseSocket(string socket, out IPEndPoint local)
    {
        local = null!;
        int colon = socket.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && string.Equals(socket[..colon], "udp", StringComparison.OrdinalIgnoreCase)
            && IPEndPoint.TryParse(socket[(colon + 1)..], out local!);
    }
}
