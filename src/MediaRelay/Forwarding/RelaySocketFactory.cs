using System.Net;
using System.Net.Sockets;
using NatEdge.MediaRelay.Ports;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>Binds the RTP and RTCP sockets of one port pair, taking pairs from the allocator until one binds.</summary>
internal static class RelaySocketFactory
{
    public static bool TryOpen(PortAllocator allocator, IPAddress bindAddress, out PortPair pair, out Socket rtp, out Socket rtcp)
    {
        while (allocator.TryAllocate(out pair))
        {
            var rtpSocket = TryBind(bindAddress, pair.Rtp);
            var rtcpSocket = rtpSocket is null ? null : TryBind(bindAddress, pair.Rtcp);
            if (rtpSocket is not null && rtcpSocket is not null)
            {
                rtp = rtpSocket;
                rtcp = rtcpSocket;
                return true;
            }
            rtpSocket?.Dispose();
            allocator.SetAside(pair);
        }
        rtp = rtcp = null!;
        return false;
    }

    private static Socket? TryBind(IPAddress address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
