using System.Collections.Concurrent;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// The in-memory contact sets, keyed by AOR without regard to case. Each AOR's set is guarded by
/// its own lock; a set emptied and removed from the map is never written again (writers that
/// find their set detached retry with the live one), so no binding is lost to that race.
/// </summary>
public sealed class LocationTable
{
    private static readonly Func<string, ContactSet> NewContactSet = static _ => new ContactSet();

    private readonly ConcurrentDictionary<string, ContactSet> _records = new(StringComparer.OrdinalIgnoreCase);

    public int AorCount => _records.Count;

    public ContactBinding[] Get(string aor, DateTime utcNow)
    {
        if (!_records.TryGetValue(aor, out var set))
        {
            return [];
        }

        lock (set)
        {
            return BindingRules.SortInPlace(set.Live(utcNow));
        }
    }

    public List<ContactBinding> Snapshot(DateTime utcNow)
    {
        var all = new List<ContactBinding>();
        foreach (var (_, set) in _records)
        {
            lock (set)
            {
                all.AddRange(BindingRules.SortInPlace(set.Live(utcNow)));
            }
        }

        return all;
    }

    /// <summary>The outcome <see cref="Put"/> would have, without changing anything.</summary>
    public PutOutcome Decide(ContactBinding binding, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!_records.TryGetValue(binding.Aor, out var set))
        {
            return BindingRules.Decide(null, binding, utcNow);
        }

        lock (set)
        {
            return BindingRules.Decide(Live(set, binding.Contact, utcNow), binding, utcNow);
        }
    }

    public PutOutcome Put(ContactBinding binding, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(binding);
        while (true)
        {
            var set = _records.GetOrAdd(binding.Aor, NewContactSet);
            lock (set)
            {
                if (!IsAttached(binding.Aor, set))
                {
                    continue;
                }

                var index = set.IndexOf(binding.Contact);
                var live = index >= 0 && !set[index].IsExpiredAt(utcNow) ? set[index] : null;
                var outcome = BindingRules.Decide(live, binding, utcNow);
                switch (outcome)
                {
                    case PutOutcome.Inserted when index >= 0:
                    case PutOutcome.Updated:
                        set.Replace(index, binding);
                        break;
                    case PutOutcome.Inserted:
                        set.Add(binding);
                        break;
                    case PutOutcome.Removed:
                        set.RemoveAt(index);
                        break;
                }

                DetachIfEmpty(binding.Aor, set);
                return outcome;
            }
        }
    }

    /// <summary>Puts loaded rows back as they were, without the CSeq rule (start-up load).</summary>
    public void Load(IEnumerable<ContactBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        foreach (var binding in bindings)
        {
            var set = _records.GetOrAdd(binding.Aor, NewContactSet);
            lock (set)
            {
                set.Remove(binding.Contact);
                set.Add(binding);
            }
        }
    }

    public bool Remove(string aor, string contact)
    {
        if (!_records.TryGetValue(aor, out var set))
        {
            return false;
        }

        lock (set)
        {
            var removed = set.Remove(contact);
            DetachIfEmpty(aor, set);
            return removed;
        }
    }

    public ContactBinding[] RemoveAll(string aor)
    {
        if (!_records.TryGetValue(aor, out var set))
        {
            return [];
        }

        lock (set)
        {
            var removed = set.ToArray();
            set.Clear();
            DetachIfEmpty(aor, set);
            return removed;
        }
    }

    /// <summary>Removes and returns the bindings that expired at or before <paramref name="utcNow"/>.</summary>
    public List<ContactBinding> Expire(DateTime utcNow)
    {
        var expired = new List<ContactBinding>();
        Func<ContactBinding, bool> isExpired = binding => binding.IsExpiredAt(utcNow);
        foreach (var (aor, set) in _records)
        {
            lock (set)
            {
                set.RemoveAll(isExpired, expired);
                DetachIfEmpty(aor, set);
            }
        }

        return expired;
    }

    private static ContactBinding? Live(ContactSet set, string contact, DateTime utcNow)
    {
        var index = set.IndexOf(contact);
        return index >= 0 && !set[index].IsExpiredAt(utcNow) ? set[index] : null;
    }

    private bool IsAttached(string aor, ContactSet set) =>
        _records.TryGetValue(aor, out var current) && ReferenceEquals(current, set);

    private void DetachIfEmpty(string aor, ContactSet set)
    {
        if (set.Count == 0)
        {
            _records.TryRemove(new KeyValuePair<string, ContactSet>(aor, set));
        }
    }
}
