using System.Net;
using System.Net.Sockets;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// Ports for processes under test, from 20000-29999 (the range the brief reserves for tests),
/// checked free for both UDP and TCP on the address, since a SIP listen line takes both.
/// </summary>
public static class FreePorts
{
    private const int Low = 20000;
    private const int High = 29999;
    private static int _next = Low + Random.Shared.Next(High - Low);

    public static int UdpAndTcp(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Low + (Interlocked.Increment(ref _next) % (High - Low + 1));
            if (IsFree(address, port, SocketType.Dgram, ProtocolType.Udp) && IsFree(address, port, SocketType.Stream, ProtocolType.Tcp))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no port free for UDP and TCP on {address} in {Low}-{High}");
    }

    private static bool IsFree(IPAddress address, int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(address.AddressFamily, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
