namespace NatEdge.Shared.Sdp;

/// <summary>A byte range inside an SDP body. <see cref="Offset"/> is -1 when the item is absent.</summary>
public readonly record struct SdpRange(int Offset, int Length)
{
    public static readonly SdpRange None = new(-1, 0);

    public bool IsPresent => Offset >= 0;

    public int End => Offset + Length;

    public ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> body) => IsPresent ? body.Slice(Offset, Length) : [];
}
