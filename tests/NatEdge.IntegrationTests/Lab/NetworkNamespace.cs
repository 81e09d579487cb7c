using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatEdge.IntegrationTests.Lab;

/// <summary>
/// Opens sockets inside a named network namespace (ip netns) from this test
/// process. A socket belongs for life to the namespace that was current on the
/// thread that created it, so a short-lived thread enters the namespace with
/// setns(2), creates the socket and ends; the rest of the process never leaves
/// its own namespace.
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    public static Socket CreateSocket(string name, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/var/run/netns/{name}");
                if (setns((int)target.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({name}) failed with errno {Marshal.GetLastPInvokeError()}");
                }

                socket = new Socket(family, type, protocol);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        // The thread that entered the namespace has ended, so no pooled thread is left inside it.
        return socket ?? throw new InvalidOperationException($"cannot open a socket in namespace {name}", failure);
    }

    public static Socket CreateUdp(string name) =>
        CreateSocket(name, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
}
