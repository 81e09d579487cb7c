using System.Buffers;

namespace NatEdge.Shared.Sdp;

/// <summary>
/// One edit of an SDP body: replace <see cref="Length"/> bytes at <see cref="Offset"/> with
/// <see cref="Replacement"/> (an insertion when Length is 0, a removal when Replacement is empty).
/// Offsets are relative to the start of the body, so a SIP message can shift them by the body's offset.
/// </summary>
public readonly record struct SdpSplice(int Offset, int Length, ReadOnlyMemory<byte> Replacement);

/// <summary>Applies a sorted, non-overlapping list of splices in one copy.</summary>
public static class SdpSplices
{
    public static int OutputLength(int bodyLength, IReadOnlyList<SdpSplice> splices)
    {
        var length = bodyLength;
        foreach (var s in splices) length += s.Replacement.Length - s.Length;
        return length;
    }

    public static void Apply(ReadOnlySpan<byte> body, IReadOnlyList<SdpSplice> splices, IBufferWriter<byte> output)
    {
        var position = 0;
        foreach (var s in splices)
        {
            if (s.Offset < position) throw new ArgumentException("splices overlap or are not sorted", nameof(splices));
            output.Write(body[position..s.Offset]);
            output.Write(s.Replacement.Span);
            position = s.Offset + s.Length;
        }
        output.Write(body[position..]);
    }

    public static byte[] ApplyToArray(ReadOnlySpan<byte> body, IReadOnlyList<SdpSplice> splices)
    {
        var buffer = new ArrayBufferWriter<byte>(OutputLength(body.Length, splices));
        Apply(body, splices, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
