using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>The update rule of RFC 3261 §10.3 step 7, shared by every store.</summary>
public static class BindingRules
{
    /// <param name="existing">The live binding of the same (AOR, contact), or null.</param>
    public static PutOutcome Decide(ContactBinding? existing, ContactBinding incoming, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var removing = incoming.IsExpiredAt(utcNow);
        if (existing is null)
        {
            return removing ? PutOutcome.NotFound : PutOutcome.Inserted;
        }

        if (string.Equals(existing.CallId, incoming.CallId, StringComparison.Ordinal) && incoming.CSeq <= existing.CSeq)
        {
            return PutOutcome.OutOfOrder;
        }

        return removing ? PutOutcome.Removed : PutOutcome.Updated;
    }

    /// <summary>Highest q first; among equal q the older binding keeps its place (the sort is stable).</summary>
    public static ContactBinding[] Order(IEnumerable<ContactBinding> bindings) => SortInPlace([.. bindings]);

    /// <summary>
    /// <see cref="Order"/> for an array the caller owns, sorted where it is: a lookup copies its
    /// live bindings once. An insertion sort, stable, and quick for the few contacts an AOR has.
    /// </summary>
    public static ContactBinding[] SortInPlace(ContactBinding[] bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        for (var i = 1; i < bindings.Length; i++)
        {
            var moving = bindings[i];
            var j = i - 1;
            for (; j >= 0 && bindings[j].Q < moving.Q; j--)
            {
                bindings[j + 1] = bindings[j];
            }

            bindings[j + 1] = moving;
        }

        return bindings;
    }
}
