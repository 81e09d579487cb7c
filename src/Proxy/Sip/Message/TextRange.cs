namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// A run of bytes inside a message's buffer. The default value means "absent", which is different
/// from a present but empty run (a parameter written without a value, an empty reason phrase).
/// </summary>
public readonly struct TextRange : IEquatable<TextRange>
{
    // Offset + 1, so that default(TextRange) reads as absent.
    private readonly int _startPlusOne;

    public TextRange(int offset, int length)
    {
        _startPlusOne = offset + 1;
        Length = length;
    }

    public static TextRange None => default;

    public static TextRange FromBounds(int start, int end) => new(start, end - start);

    public int Offset => _startPlusOne - 1;

    public int Length { get; }

    public int End => Offset + Length;

    public bool IsPresent => _startPlusOne != 0;

    public bool IsEmpty => Length == 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> source) =>
        IsPresent ? source.Slice(Offset, Length) : [];

    public bool Equals(TextRange other) => _startPlusOne == other._startPlusOne && Length == other.Length;

    public override bool Equals(object? obj) => obj is TextRange other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_startPlusOne, Length);

    public static bool operator ==(TextRange left, TextRange right) => left.Equals(right);

    public static bool operator !=(TextRange left, TextRange right) => !left.Equals(right);

    public override string ToString() => IsPresent ? $"[{Offset}, {End})" : "(absent)";
}
