namespace NatEdge.Proxy.Sip.Writing;

/// <summary>Sequential writes into a span that was sized beforehand.</summary>
internal ref struct SpanWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;

    public int Written { get; private set; }

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_destination[Written..]);
        Written += bytes.Length;
    }

    public void Write(byte b)
    {
        _destination[Written] = b;
        Written++;
    }

    public void WriteNumber(long value)
    {
        if (!value.TryFormat(_destination[Written..], out int written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("The destination was sized too small for a number.");
        }

        Written += written;
    }

    public static int DigitCount(long value)
    {
        int digits = value < 0 ? 2 : 1;
        long v = Math.Abs(value);
        while (v >= 10)
        {
            v /= 10;
            digits++;
        }

        return digits;
    }
}
