using System.Collections.Concurrent;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// The in-memory contact sets, keyed by AOR without regard to case. Each AOR's list is guarded by
/// its own lock; a list emptied and removed from the map is never written again (writers that
/// find their list detached retry with the live one), so no binding is lost to that race.
/// </summary>
public sealed class LocationTable
{
    private readonly ConcurrentDictionary<string, List<ContactBinding>> _records = new(StringComparer.OrdinalIgnoreCase);

    public int AorCount => _records.Count;

    /// <summary>Most AORs hold one contact: a list sized for one instead of the default four.</summary>
    private static readonly Func<string, List<ContactBinding>> NewContactList = static _ => new List<ContactBinding>(1);

    public ContactBinding[] Get(string aor, DateTime utcNow)
    {
        if (!_records.TryGetValue(aor, out var list))
        {
            return [];
        }

        lock (list)
        {
            return BindingRules.Order(list.Where(binding => !binding.IsExpiredAt(utcNow)));
        }
    }

    public List<ContactBinding> Snapshot(DateTime utcNow)
    {
        var all = new List<ContactBinding>();
        foreach (var (_, list) in _records)
        {
            lock (list)
            {
                all.AddRange(BindingRules.Order(list.Where(binding => !binding.IsExpiredAt(utcNow))));
            }
        }

        return all;
    }

    /// <summary>The outcome <see cref="Put"/> would have, without changing anything.</summary>
    public PutOutcome Decide(ContactBinding binding, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!_records.TryGetValue(binding.Aor, out var list))
        {
            return BindingRules.Decide(null, binding, utcNow);
        }

        lock (list)
        {
            return BindingRules.Decide(Live(list, binding.Contact, utcNow), binding, utcNow);
        }
    }

    public PutOutcome Put(ContactBinding binding, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(binding);
        while (true)
        {
            var list = _records.GetOrAdd(binding.Aor, NewContactList);
            lock (list)
            {
                if (!IsAttached(binding.Aor, list))
                {
                    continue;
                }

                var index = list.FindIndex(existing => SameContact(existing.Contact, binding.Contact));
                var live = index >= 0 && !list[index].IsExpiredAt(utcNow) ? list[index] : null;
                var outcome = BindingRules.Decide(live, binding, utcNow);
                switch (outcome)
                {
                    case PutOutcome.Inserted when index >= 0:
                    case PutOutcome.Updated:
                        list[index] = binding;
                        break;
                    case PutOutcome.Inserted:
                        list.Add(binding);
                        break;
                    case PutOutcome.Removed:
                        list.RemoveAt(index);
                        break;
                }

                DetachIfEmpty(binding.Aor, list);
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
            var list = _records.GetOrAdd(binding.Aor, NewContactList);
            lock (list)
            {
                list.RemoveAll(existing => SameContact(existing.Contact, binding.Contact));
                list.Add(binding);
            }
        }
    }

    public bool Remove(string aor, string contact)
    {
        if (!_records.TryGetValue(aor, out var list))
        {
            return false;
        }

        lock (list)
        {
            var removed = list.RemoveAll(existing => SameContact(existing.Contact, contact)) > 0;
            DetachIfEmpty(aor, list);
            return removed;
        }
    }

    public ContactBinding[] RemoveAll(string aor)
    {
        if (!_records.TryGetValue(aor, out var list))
        {
            return [];
        }

        lock (list)
        {
            var removed = list.ToArray();
            list.Clear();
            DetachIfEmpty(aor, list);
            return removed;
        }
    }

    /// <summary>Removes and returns the bindings that expired at or before <paramref name="utcNow"/>.</summary>
    public List<ContactBinding> Expire(DateTime utcNow)
    {
        var expired = new List<ContactBinding>();
        foreach (var (aor, list) in _records)
        {
            lock (list)
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (list[i].IsExpiredAt(utcNow))
                    {
                        expired.Add(list[i]);
                        list.RemoveAt(i);
                    }
                }

                DetachIfEmpty(aor, list);
            }
        }

        return expired;
    }

    /// <summary>Contact URIs compare exactly, as usrloc compares them (case matters in the user part).</summary>
    private static bool SameContact(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    private static ContactBinding? Live(List<ContactBinding> list, string contact, DateTime utcNow)
    {
        foreach (var binding in list)
        {
            if (SameContact(binding.Contact, contact) && !binding.IsExpiredAt(utcNow))
            {
                return binding;
            }
        }

        return null;
    }

    private bool IsAttached(string aor, List<ContactBinding> list) =>
        _records.TryGetValue(aor, out var current) && ReferenceEquals(current, list);

    private void DetachIfEmpty(string aor, List<ContactBinding> list)
    {
        if (list.Count == 0)
        {
            _records.TryRemove(new KeyValuePair<string, List<ContactBinding>>(aor, list));
        }
    }
}
