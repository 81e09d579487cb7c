using System.Runtime.InteropServices;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// The few Linux calls the packet reactor makes directly: epoll for readiness of thousands of
/// sockets from one thread, and recvfrom/sendto with MSG_DONTWAIT so that an empty socket or a full
/// send buffer answers EAGAIN at once instead of a <see cref="System.Net.Sockets.SocketException"/>
/// or a blocked thread that carries other streams.
/// </summary>
internal static partial class LinuxSockets
{
    public const int EpollIn = 0x001;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCloexec = 0x80000;
    public const int MsgDontWait = 0x40;
    public const int Eintr = 4;

    /// <summary>
    /// struct epoll_event is packed on x86-64 (4-byte events, then the 8-byte data at offset 4) and
    /// naturally aligned elsewhere (data at offset 8).
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int operation, nint descriptor, ref byte epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, ref byte events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    public static partial nint ReceiveFrom(nint socket, ref byte buffer, nuint length, int flags, ref byte address, ref uint addressLength);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(nint socket, ref byte buffer, nuint length, int flags, ref byte address, uint addressLength);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);
}
