using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// One bound UDP socket of the relay and what it knows about the party that sends to it.
/// Vocabulary: the <em>advertised</em> address is what the party's SDP said (a send target only when routable);
/// the <em>learned</em> address is the real (post-NAT) source of the first packet that arrived (latching);
/// after a re-INVITE reset the learned address becomes <em>obsolete</em>: packets from it are ignored and the next
/// different source is learned (spec §4.4).
/// Ownership: the endpoint's receive thread is the only writer of the counters and of a newly learned address;
/// the control path writes the advertised address and resets. References are published with Volatile/Interlocked
/// and a published <see cref="SocketAddress"/> is never changed afterwards, so the packet path takes no lock.
/// </summary>
internal sealed class RelayEndpoint : IDisposable
{
    private readonly TimeProvider _time;
    private SocketAddress? _learned;
    private SocketAddress? _obsolete;
    private SocketAddress? _advertised;
    private long _packets;
    private long _bytes;
    private long _dropped;
    private long _unroutable;
    private long _sendErrors;
    private long _firstPacketTimestamp;
    private int _payloadType = -1;
    private volatile bool _relatchOnSourceChange;

    public RelayEndpoint(Socket socket, bool isRtp, TimeProvider time)
    {
        Socket = socket;
        IsRtp = isRtp;
        _time = time;
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public Socket Socket { get; }
    public bool IsRtp { get; }

    /// <summary>The endpoint's place in the <see cref="PacketReactor"/>; ended before the socket closes.</summary>
    public IDisposable? ReceiveRegistration { get; set; }
    public int LocalPort { get; }

    /// <summary>The endpoint facing the other party of the same sub-stream: packets received here leave through it.</summary>
    public RelayEndpoint Peer { get; set; } = null!;

    public long Packets => Interlocked.Read(ref _packets);
    public long Bytes => Interlocked.Read(ref _bytes);
    /// <summary>Packets from a source other than the learned one (or from the obsolete one): no RTP bleed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Packets that had nowhere to go: the other party had neither latched nor a routable SDP address.</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);
    public long SendErrors => Interlocked.Read(ref _sendErrors);
    public int PayloadType => Volatile.Read(ref _payloadType);
    public long FirstPacketTimestamp => Interlocked.Read(ref _firstPacketTimestamp);
    public bool HasLearned => Volatile.Read(ref _learned) is not null;

    public IPEndPoint? LearnedEndPoint => Volatile.Read(ref _learned) is { } a ? ToEndPoint(a) : null;

    /// <summary>NatEdge's asymmetric extension (spec §9): follow the party when its source changes.</summary>
    public bool RelatchOnSourceChange
    {
        get => _relatchOnSourceChange;
        set => _relatchOnSourceChange = value;
    }

    /// <summary>Sets where packets go before the party latches; null when the SDP address is not routable.</summary>
    public void SetAdvertised(IPEndPoint? target) => Volatile.Write(ref _advertised, target?.Serialize());

    /// <summary>Re-INVITE reset: the learned address becomes obsolete and the next different source is learned.</summary>
    public void Reset()
    {
        var learned = Interlocked.Exchange(ref _learned, null);
        if (learned is not null) Volatile.Write(ref _obsolete, learned);
    }

    /// <summary>The per-packet path: latch, count, forward. No allocation except the copy made once when latching.</summary>
    public void OnPacket(ReadOnlySpan<byte> packet, SocketAddress source)
    {
        var learned = Volatile.Read(ref _learned);
        if (learned is null || !learned.Equals(source))
        {
            if (learned is not null && !_relatchOnSourceChange)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            var obsolete = Volatile.Read(ref _obsolete);
            if (obsolete is not null && obsolete.Equals(source))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            Latch(packet, source);
        }

        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, packet.Length);

        var peer = Peer;
        var target = Volatile.Read(ref peer._learned) ?? Volatile.Read(ref peer._advertised);
        if (target is null)
        {
            Interlocked.Increment(ref _unroutable);
            return;
        }
        if (!peer.TrySend(packet, target)) Interlocked.Increment(ref _sendErrors);
    }

    /// <summary>
    /// Sends without waiting: a full send buffer drops the packet (as a router would) rather than
    /// stall the receive thread that carries other streams. A socket closed meanwhile counts as sent:
    /// its stream is being torn down.
    /// </summary>
    private bool TrySend(ReadOnlySpan<byte> packet, SocketAddress target)
    {
        var handle = Socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return LinuxSockets.SendTo(
                handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(packet), (nuint)packet.Length, LinuxSockets.MsgDontWait,
                ref MemoryMarshal.GetReference(target.Buffer.Span), (uint)target.Size) >= 0;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private void Latch(ReadOnlySpan<byte> packet, SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        Volatile.Write(ref _learned, copy);
        Interlocked.CompareExchange(ref _firstPacketTimestamp, _time.GetTimestamp(), 0);
        // RTP payload type: low 7 bits of the second header byte (RFC 3550 §5.1); the first packet names the codec.
        if (IsRtp && packet.Length >= 2) Interlocked.CompareExchange(ref _payloadType, packet[1] & 0x7F, -1);
    }

    private static IPEndPoint ToEndPoint(SocketAddress address) =>
        (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);

    public void Dispose()
    {
        ReceiveRegistration?.Dispose();
        Socket.Dispose();
    }
}
