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
    public static ContactBinding[] Order(IEnumerable<ContactBinding> bindings) =>
        bindings.OrderByDescending(binding => binding.Q).ToArray();
}
