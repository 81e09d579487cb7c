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

    private static readonly ConcurrentBag<byte[]> Free = [];

    public static byte[] Rent() => Free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);

    public static void Return(byte[] buffer)
    {
        if (Free.Count < MaxKept) Free.Add(buffer);
    }
}
