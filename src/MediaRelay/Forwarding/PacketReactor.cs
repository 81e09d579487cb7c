using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// Receives for every relay socket on a few dedicated threads, one epoll set each, in the manner of
/// rtpengine's userspace poller. An asynchronous receive per socket costs a thread-pool hop and its
/// bookkeeping for each 20 ms packet; here a ready socket costs one recvfrom straight into the
/// thread's own buffer, and the forward is a plain sendto from <see cref="RelayEndpoint.OnPacket"/>.
/// Readiness is level-triggered: one packet is taken per socket per wakeup and the next wakeup
/// reports whatever is left, so a busy stream cannot starve the others.
/// A new endpoint goes to the thread carrying the fewest endpoints of its kind: RTP is nearly all
/// the traffic, and a plain rotation over the four sockets a stream opens (RTP, RTCP, RTP, RTCP)
/// would put every RTP socket on the same thread of two.
/// </summary>
internal sealed class PacketReactor : IDisposable
{
    private readonly EpollThread[] _threads;

    public PacketReactor(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the media relay forwards with epoll: it runs on Linux");
        _threads = new EpollThread[threads];
        for (var i = 0; i < threads; i++) _threads[i] = new EpollThread(i);
    }

    /// <summary>Starts receiving for <paramref name="endpoint"/> until it is disposed.</summary>
    /// <remarks>
    /// Endpoints added at the same moment may both pick the same thread: placement is a share, not
    /// a count to keep exact, and the next endpoint evens it out.
    /// </remarks>
    public void Add(RelayEndpoint endpoint)
    {
        var thread = _threads[0];
        foreach (var candidate in _threads)
        {
            if (candidate.Carried(endpoint.IsRtp) < thread.Carried(endpoint.IsRtp)) thread = candidate;
        }
        endpoint.ReceiveRegistration = thread.Add(endpoint);
    }

    /// <summary>How many RTP (or RTCP) endpoints each thread receives for, in thread order.</summary>
    public int[] EndpointsPerThread(bool rtp) => Array.ConvertAll(_threads, thread => thread.Carried(rtp));

    public void Dispose()
    {
        foreach (var thread in _threads) thread.Dispose();
    }

    /// <summary>One epoll set, its thread, its receive buffer and its reused source address.</summary>
    private sealed class EpollThread : IDisposable
    {
        private const int MaxEvents = 256;

        /// <summary>How often an idle thread looks at its stop flag.</summary>
        private const int WaitMilliseconds = 200;

        /// <summary>Larger than any RTP or RTCP packet that fits an Ethernet frame (1472 bytes of UDP payload).</summary>
        private const int BufferSize = 2048;

        private readonly int _epoll;
        private readonly Thread _thread;
        private readonly byte[] _events = new byte[MaxEvents * LinuxSockets.EpollEventSize];
        private readonly byte[] _buffer = new byte[BufferSize];
        // One per family: a SocketAddress compares its whole buffer, so a source must be exactly the
        // size of the address a latched endpoint copied from it.
        private readonly SocketAddress _sourceV4 = new(AddressFamily.InterNetwork);
        private readonly SocketAddress _sourceV6 = new(AddressFamily.InterNetworkV6);
        private readonly Lock _gate = new();
        private readonly Stack<int> _freeSlots = new();
        private Registration?[] _slots = new Registration?[64];
        private int _slotsUsed;
        private uint _tokens;
        private int _rtpEndpoints;
        private int _rtcpEndpoints;
        private volatile bool _stopping;

        public EpollThread(int index)
        {
            _epoll = LinuxSockets.EpollCreate(LinuxSockets.EpollCloexec);
            if (_epoll < 0) throw new SocketException(Marshal.GetLastPInvokeError());
            _thread = new Thread(Run) { IsBackground = true, Name = $"relay-rx-{index}" };
            _thread.Start();
        }

        /// <summary>Endpoints of one kind this thread receives for; changed under <c>_gate</c> as they join and leave.</summary>
        public int Carried(bool rtp) => Volatile.Read(ref Endpoints(rtp));

        private ref int Endpoints(bool rtp) => ref rtp ? ref _rtpEndpoints : ref _rtcpEndpoints;

        public IDisposable Add(RelayEndpoint endpoint)
        {
            lock (_gate)
            {
                var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotsUsed++;
                if (slot == _slots.Length)
                {
                    var grown = new Registration?[_slots.Length * 2];
                    _slots.CopyTo(grown, 0);
                    Volatile.Write(ref _slots, grown);
                }

                var registration = new Registration(this, endpoint, slot, ++_tokens);
                Volatile.Write(ref _slots[slot], registration);
                Control(LinuxSockets.EpollCtlAdd, registration);
                Volatile.Write(ref Endpoints(endpoint.IsRtp), Endpoints(endpoint.IsRtp) + 1);
                return registration;
            }
        }

        private void Remove(Registration registration)
        {
            lock (_gate)
            {
                Control(LinuxSockets.EpollCtlDel, registration);
                Volatile.Write(ref _slots[registration.Slot], null);
                _freeSlots.Push(registration.Slot);
                Volatile.Write(ref Endpoints(registration.Endpoint.IsRtp), Endpoints(registration.Endpoint.IsRtp) - 1);
            }
        }

        private void Control(int operation, Registration registration)
        {
            Span<byte> epollEvent = stackalloc byte[LinuxSockets.EpollEventSize];
            epollEvent.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(epollEvent, LinuxSockets.EpollIn);
            BinaryPrimitives.WriteUInt64LittleEndian(epollEvent[LinuxSockets.EpollDataOffset..], registration.Key);
            var added = false;
            registration.Handle.DangerousAddRef(ref added);
            try
            {
                if (LinuxSockets.EpollCtl(_epoll, operation, registration.Handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(epollEvent)) != 0 &&
                    operation == LinuxSockets.EpollCtlAdd)
                {
                    throw new SocketException(Marshal.GetLastPInvokeError());
                }
            }
            finally
            {
                if (added) registration.Handle.DangerousRelease();
            }
        }

        private void Run()
        {
            while (!_stopping)
            {
                var ready = LinuxSockets.EpollWait(_epoll, ref _events[0], MaxEvents, WaitMilliseconds);
                if (ready < 0)
                {
                    if (Marshal.GetLastPInvokeError() == LinuxSockets.Eintr) continue;
                    RelayLog.Error($"epoll_wait failed (errno {Marshal.GetLastPInvokeError()}): media on this thread stops");
                    return;
                }

                var slots = Volatile.Read(ref _slots);
                for (var i = 0; i < ready; i++)
                {
                    var key = BinaryPrimitives.ReadUInt64LittleEndian(_events.AsSpan(i * LinuxSockets.EpollEventSize + LinuxSockets.EpollDataOffset));
                    var slot = (int)(uint)key;
                    var registration = slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
                    if (registration is not null && registration.Key == key) ReceiveOne(registration);
                }
            }
        }

        private void ReceiveOne(Registration registration)
        {
            var added = false;
            try
            {
                registration.Handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                var source = registration.IsV6 ? _sourceV6 : _sourceV4;
                var addressLength = (uint)source.Size;
                var received = LinuxSockets.ReceiveFrom(
                    registration.Handle.DangerousGetHandle(), ref _buffer[0], BufferSize, LinuxSockets.MsgDontWait,
                    ref MemoryMarshal.GetReference(source.Buffer.Span), ref addressLength);

                // Nothing there any more, or an ICMP error reported for an earlier send: wait for the next packet.
                if (received < 0) return;
                registration.Endpoint.OnPacket(_buffer.AsSpan(0, (int)received), source);
            }
            finally
            {
                if (added) registration.Handle.DangerousRelease();
            }
        }

        public void Dispose()
        {
            _stopping = true;
            _thread.Join();
            LinuxSockets.Close(_epoll);
        }

        /// <summary>An endpoint's place in the set; the key carries a token so a reused slot is never mistaken for the old one.</summary>
        private sealed class Registration(EpollThread owner, RelayEndpoint endpoint, int slot, uint token) : IDisposable
        {
            private int _removed;

            public RelayEndpoint Endpoint { get; } = endpoint;
            public SafeSocketHandle Handle { get; } = endpoint.Socket.SafeHandle;
            public bool IsV6 { get; } = endpoint.Socket.AddressFamily == AddressFamily.InterNetworkV6;
            public int Slot { get; } = slot;
            public ulong Key { get; } = ((ulong)token << 32) | (uint)slot;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _removed, 1) == 0) owner.Remove(this);
            }
        }
    }
}
