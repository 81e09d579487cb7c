using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;

namespace NatEdge.Proxy.Management;

/// <summary>
/// Who is at the other end of a Unix socket (SO_PEERCRED) and who this process runs as. The
/// socket file's owner-only mode keeps other users out; checking the peer as well keeps them out
/// when an operator loosens the mode or the directory.
/// </summary>
public static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The effective user id of the process connected to <paramref name="socket"/>.</summary>
    public static uint UserOf(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        if (length < 8)
        {
            throw new SocketException((int)SocketError.OperationNotSupported);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(credentials[4..8]);
    }

    /// <summary>This process's effective user id, from /proc/self/status (<c>Uid: real effective saved fs</c>).</summary>
    public static uint CurrentUser()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var fields = line[4..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return uint.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/status has no Uid line");
    }
}
