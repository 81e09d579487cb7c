using System.Runtime.CompilerServices;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// The contacts of one AOR. Almost every AOR has one, so a single binding is held as itself and
/// only two or more take an array, sized exactly: a registration costs no list object and no spare
/// slots (about 40 bytes each, 4 MB per 100,000). Not thread-safe: <see cref="LocationTable"/>
/// locks the set around every use. A contact appears at most once: every writer replaces or
/// removes the binding of the same contact before it adds one.
/// </summary>
internal sealed class ContactSet
{
    /// <summary>null when empty, a <see cref="ContactBinding"/> for one, an exact-size array for more.</summary>
    private object? _contacts;

    public int Count => Items.Length;

    public ContactBinding this[int index] => Items[index];

    /// <summary>
    /// The bindings, however they are held. A single binding is viewed in place: the field then
    /// holds a <see cref="ContactBinding"/> reference, so a span of one over it is that binding.
    /// </summary>
    private ReadOnlySpan<ContactBinding> Items => _contacts switch
    {
        null => [],
        ContactBinding => new ReadOnlySpan<ContactBinding>(ref Unsafe.As<object?, ContactBinding>(ref _contacts)),
        var many => (ContactBinding[])many,
    };

    /// <summary>Every binding, in the order they were added.</summary>
    public ContactBinding[] ToArray() => Items.ToArray();

    /// <summary>The position of <paramref name="contact"/> (compared exactly, as usrloc does), or -1.</summary>
    public int IndexOf(string contact)
    {
        var items = Items;
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(items[i].Contact, contact, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public void Add(ContactBinding binding) => _contacts = _contacts is null ? binding : (ContactBinding[])[.. Items, binding];

    public void Replace(int index, ContactBinding binding)
    {
        _ = Items[index];
        if (_contacts is ContactBinding[] many)
        {
            many[index] = binding;
        }
        else
        {
            _contacts = binding;
        }
    }

    public void RemoveAt(int index)
    {
        var items = Items;
        _ = items[index];
        Keep([.. items[..index], .. items[(index + 1)..]]);
    }

    /// <summary>Removes the binding of <paramref name="contact"/>; false when there is none.</summary>
    public bool Remove(string contact)
    {
        var index = IndexOf(contact);
        if (index < 0)
        {
            return false;
        }

        RemoveAt(index);
        return true;
    }

    /// <summary>Removes the bindings <paramref name="match"/> picks, adding them to <paramref name="removed"/> if given.</summary>
    /// <returns>How many were removed. A set where none matches is left as it is, without copying.</returns>
    public int RemoveAll(Func<ContactBinding, bool> match, List<ContactBinding>? removed = null)
    {
        var items = Items;
        var matches = 0;
        foreach (var binding in items)
        {
            matches += match(binding) ? 1 : 0;
        }

        if (matches == 0)
        {
            return 0;
        }

        var remaining = new ContactBinding[items.Length - matches];
        var kept = 0;
        foreach (var binding in items)
        {
            if (match(binding))
            {
                removed?.Add(binding);
            }
            else
            {
                remaining[kept++] = binding;
            }
        }

        Keep(remaining);
        return matches;
    }

    /// <summary>The bindings not expired at <paramref name="utcNow"/>, in the order they were added, in an array of the caller's.</summary>
    public ContactBinding[] Live(DateTime utcNow)
    {
        var items = Items;
        var live = 0;
        foreach (var binding in items)
        {
            live += binding.IsExpiredAt(utcNow) ? 0 : 1;
        }

        var bindings = new ContactBinding[live];
        var next = 0;
        foreach (var binding in items)
        {
            if (next < live && !binding.IsExpiredAt(utcNow))
            {
                bindings[next++] = binding;
            }
        }

        return bindings;
    }

    public void Clear() => _contacts = null;

    private void Keep(ContactBinding[] remaining) => _contacts = remaining.Length switch
    {
        0 => null,
        1 => remaining[0],
        _ => remaining,
    };
}
