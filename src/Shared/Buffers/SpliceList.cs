using System.Buffers;

namespace NatEdge.Shared.Buffers;

/// <summary>
/// One edit of a source buffer: replace <see cref="Length"/> bytes at <see cref="Offset"/>
/// (zero for a pure insertion) with the replacement bytes held by the owning <see cref="SpliceList"/>.
/// </summary>
public readonly record struct Splice(int Offset, int Length, int ReplacementStart, int ReplacementLength)
{
    public int End => Offset + Length;
}

/// <summary>
/// Ordered (offset, length, replacement) edits of a source buffer, applied in one copy when the
/// output is written (the idea of Kamailio's lumps). Untouched bytes go out exactly as they came in.
/// Edits may not overlap; insertions at the same offset come out in the order they were added.
/// Not thread-safe: a list belongs to the one message being edited.
/// </summary>
public sealed class SpliceList
{
    private Splice[] _splices = new Splice[8];
    private byte[] _replacements = new byte[256];
    private int _count;
    private int _replacementBytes;

    public int Count => _count;

    public Splice this[int index] => (uint)index < (uint)_count
        ? _splices[index]
        : throw new ArgumentOutOfRangeException(nameof(index));

    public ReadOnlySpan<byte> GetReplacement(Splice splice) =>
        _replacements.AsSpan(splice.ReplacementStart, splice.ReplacementLength);

    /// <summary>Change in total length once every edit is applied.</summary>
    public int LengthDelta { get; private set; }

    public void Clear()
    {
        _count = 0;
        _replacementBytes = 0;
        LengthDelta = 0;
    }

    public void Insert(int offset, ReadOnlySpan<byte> bytes) => Replace(offset, 0, bytes);

    public void Remove(int offset, int length) => Replace(offset, length, []);

    public void Replace(int offset, int length, ReadOnlySpan<byte> replacement) =>
        replacement.CopyTo(Reserve(offset, length, replacement.Length));

    /// <summary>
    /// Records an edit and returns the space its replacement must be written into, so callers can
    /// format numbers or addresses straight into the list without a temporary buffer.
    /// </summary>
    public Span<byte> Reserve(int offset, int length, int replacementLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(replacementLength);

        int position = FindInsertPosition(offset, length);
        EnsureNoOverlap(position, offset, length);

        if (_count == _splices.Length)
        {
            Array.Resize(ref _splices, _splices.Length * 2);
        }

        if (_replacementBytes + replacementLength > _replacements.Length)
        {
            Array.Resize(ref _replacements, Math.Max(_replacements.Length * 2, _replacementBytes + replacementLength));
        }

        Array.Copy(_splices, position, _splices, position + 1, _count - position);
        _splices[position] = new Splice(offset, length, _replacementBytes, replacementLength);
        _count++;
        LengthDelta += replacementLength - length;

        Span<byte> space = _replacements.AsSpan(_replacementBytes, replacementLength);
        _replacementBytes += replacementLength;
        return space;
    }

    /// <summary>True when some recorded edit touches [offset, offset + length).</summary>
    public bool Touches(int offset, int length)
    {
        for (int i = 0; i < _count; i++)
        {
            Splice s = _splices[i];
            bool overlaps = s.Length == 0
                ? s.Offset >= offset && s.Offset < offset + length
                : s.Offset < offset + length && offset < s.End;
            if (overlaps)
            {
                return true;
            }
        }

        return false;
    }

    public int GetOutputLength(int sourceLength) => sourceLength + LengthDelta;

    /// <summary>Copies <paramref name="source"/> with every edit applied; returns the bytes written.</summary>
    public int Apply(ReadOnlySpan<byte> source, Span<byte> destination) =>
        ApplyRange(source, 0, source.Length, destination, includeInsertionAtEnd: true);

    /// <summary>
    /// Copies source[start, end) with the edits that start inside it applied. An insertion exactly at
    /// <paramref name="end"/> is left for the next range.
    /// </summary>
    public int ApplyRange(ReadOnlySpan<byte> source, int start, int end, Span<byte> destination, bool includeInsertionAtEnd = false)
    {
        int written = 0;
        int cursor = start;
        for (int i = 0; i < _count; i++)
        {
            Splice s = _splices[i];
            if (!IsInRange(s, start, end, includeInsertionAtEnd))
            {
                continue;
            }

            ReadOnlySpan<byte> untouched = source[cursor..s.Offset];
            untouched.CopyTo(destination[written..]);
            written += untouched.Length;
            GetReplacement(s).CopyTo(destination[written..]);
            written += s.ReplacementLength;
            cursor = s.End;
        }

        ReadOnlySpan<byte> tail = source[cursor..end];
        tail.CopyTo(destination[written..]);
        return written + tail.Length;
    }

    /// <summary>Output length of <see cref="ApplyRange"/> for the same range.</summary>
    public int GetRangeOutputLength(int start, int end, bool includeInsertionAtEnd = false)
    {
        int length = end - start;
        for (int i = 0; i < _count; i++)
        {
            Splice s = _splices[i];
            if (IsInRange(s, start, end, includeInsertionAtEnd))
            {
                length += s.ReplacementLength - s.Length;
            }
        }

        return length;
    }

    public void Apply(ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        int length = GetOutputLength(source.Length);
        Span<byte> destination = output.GetSpan(length);
        output.Advance(Apply(source, destination));
    }

    private static bool IsInRange(in Splice s, int start, int end, bool includeInsertionAtEnd) =>
        s.Offset >= start && s.End <= end && (s.Offset < end || (includeInsertionAtEnd && s.Offset == end));

    private int FindInsertPosition(int offset, int length)
    {
        int position = _count;
        // An insertion goes before a replacement that starts at the same offset, so text can be
        // put in front of a header that is also being removed or rewritten.
        while (position > 0 && (_splices[position - 1].Offset > offset
            || (length == 0 && _splices[position - 1].Offset == offset && _splices[position - 1].Length > 0)))
        {
            position--;
        }

        return position;
    }

    private void EnsureNoOverlap(int position, int offset, int length)
    {
        if (position > 0)
        {
            Splice before = _splices[position - 1];
            if (before.End > offset)
            {
                throw new ArgumentException($"Edit at {offset} overlaps the edit at {before.Offset} (length {before.Length}).");
            }
        }

        if (position < _count && length > 0)
        {
            Splice after = _splices[position];
            if (offset + length > after.Offset)
            {
                throw new ArgumentException($"Edit at {offset} (length {length}) overlaps the edit at {after.Offset}.");
            }
        }
    }
}
