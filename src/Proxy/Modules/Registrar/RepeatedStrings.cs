using System.Collections.Concurrent;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>
/// One instance of each text that many bindings repeat (the User-Agent of a phone model, the
/// socket a REGISTER arrived on), so a hundred thousand bindings hold a handful of copies rather
/// than one each. Bounded: past its capacity a new text is kept as it is, so a flood of made-up
/// User-Agents cannot grow the table.
/// </summary>
internal sealed class RepeatedStrings(int capacity)
{
    /// <summary>The registrar's table.</summary>
    public static RepeatedStrings Registrar { get; } = new(4096);

    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    // Counted apart: ConcurrentDictionary.Count takes every lock of the table.
    private int _count;

    public string Share(string text)
    {
        if (_known.TryGetValue(text, out var known))
        {
            return known;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            return text;
        }

        if (_known.TryAdd(text, text))
        {
            Interlocked.Increment(ref _count);
            return text;
        }

        return _known.TryGetValue(text, out known) ? known : text;
    }
}
