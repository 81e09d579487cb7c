using System.Collections.Concurrent;

namespace NatEdge.Proxy.Transactions;

/// <summary>
/// Transactions by key (<see cref="TransactionKey"/>). Lookups take a span and allocate nothing, so
/// retransmissions are absorbed before the route script runs. Receive loops and timer callbacks use
/// it concurrently; a transaction removes itself when it terminates.
/// </summary>
public sealed class TransactionTable<TTransaction>
    where TTransaction : class
{
    private readonly ConcurrentDictionary<byte[], TTransaction> _entries = new(TransactionKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], TTransaction>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;

    public TransactionTable()
    {
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _entries.Count;

    public bool TryGet(ReadOnlySpan<byte> key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TTransaction transaction)
        => _bySpan.TryGetValue(key, out transaction);

    /// <summary>Files a new transaction; false when another thread filed one under the same key first.</summary>
    public bool TryAdd(byte[] key, TTransaction transaction) => _entries.TryAdd(key, transaction);

    /// <summary>Removes the entry only if it is still <paramref name="transaction"/>.</summary>
    public bool Remove(byte[] key, TTransaction transaction) => _entries.TryRemove(new KeyValuePair<byte[], TTransaction>(key, transaction));
}
