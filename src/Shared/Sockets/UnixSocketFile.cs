using System.Net.Sockets;

namespace NatEdge.Shared.Sockets;

/// <summary>
/// The file side of a Unix stream socket both processes serve (the proxy's control socket, the
/// relay's): whether a live process answers on a path, and binding with the file mode set before
/// anyone can connect.
/// </summary>
public static class UnixSocketFile
{
    /// <summary>Whether a process accepts connections on <paramref name="path"/>; a stale file left by a killed process does not.</summary>
    public static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Binds <paramref name="path"/> and listens, replacing a file already there. The socket is bound
    /// under a temporary name, given <paramref name="mode"/>, then renamed into place, so it is never
    /// reachable with the default mode.
    /// </summary>
    public static Socket Listen(string path, UnixFileMode mode, int backlog)
    {
        var staging = $"{path}.{Environment.ProcessId}.new";
        File.Delete(staging);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(staging));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(staging, mode);
            File.Move(staging, path, overwrite: true);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            File.Delete(staging);
            throw;
        }
    }
}
