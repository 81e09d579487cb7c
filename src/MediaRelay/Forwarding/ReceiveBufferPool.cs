using System.Collections.Concurrent;

namespace NatEdge.MediaRelay.Forwarding;

/// <summary>
/// Receive buffers for the forwarding loops. Every relay socket keeps one receive pending, and a pending receive
/// pins its buffer; thousands of pinned arrays in the ordinary heap would fragment it, so the buffers live on the
/// pinned object heap and are handed back here when a stream ends, for the next stream to reuse.
/// </summary>
internal static class ReceiveBufferPool
{
    /// <summary>Larger than any RTP or RTCP packet that fits an Ethernet frame (1472 bytes of UDP payload).</summary>
    public const int BufferSize = 2048;

    /// <summary>Buffers kept for reuse; beyond this they are left to the collector (about 16 MB).</summary>
    private const int MaxKept = 8192;

    private static readonly ConcurrentStack<byte[]> Free = new();
    private static int _kept;

    public static byte[] Rent()
    {
        if (!Free.TryPop(out var buffer)) return GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        Interlocked.Decrement(ref _kept);
        return buffer;
    }

    public static void Return(byte[] buffer)
    {
        if (Interlocked.Increment(ref _kept) > MaxKept)
        {
            Interlocked.Decrement(ref _kept);
            return;
        }
        Free.Push(buffer);
    }
}
