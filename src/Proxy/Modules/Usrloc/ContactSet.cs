using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// The contacts of one AOR. Almost every AOR has one, so a single binding is held as itself and
/// only two or more take an array, sized exactly: a registration costs no list object and no spare
/// slots (about 40 bytes each, 4 MB per 100,000). Not thread-safe: <see cref="LocationTable"/>
/// locks the set around every use.
/// </summary>
internal sealed class ContactSet
{
    /// <summary>null when empty, a <see cref="ContactBinding"/> for one, an exact-size array for more.</summary>
    private object? _contacts;

    public int Count => _contacts switch
    {
        null => 0,
        ContactBinding => 1,
        _ => ((ContactBinding[])_contacts).Length,
    };

    public ContactBinding this[int index] => _contacts is ContactBinding single && index == 0
        ? single
        : ((ContactBinding[])_contacts!)[index];

    /// <summary>Every binding, in the order they were added.</summary>
    public ContactBinding[] ToArray() => _contacts switch
    {
        null => [],
        ContactBinding single => [single],
        _ => (ContactBinding[])((ContactBinding[])_contacts).Clone(),
    };

    /// <summary>The position of <paramref name="contact"/> (compared exactly, as usrloc does), or -1.</summary>
    public int IndexOf(string contact)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(this[i].Contact, contact, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public void Add(ContactBinding binding) => _contacts = _contacts switch
    {
        null => binding,
        ContactBinding single => new[] { single, binding },
        _ => (ContactBinding[])[.. (ContactBinding[])_contacts, binding],
    };

    public void Replace(int index, ContactBinding binding)
    {
        if (_contacts is ContactBinding && index == 0)
        {
            _contacts = binding;
        }
        else
        {
            ((ContactBinding[])_contacts!)[index] = binding;
        }
    }

    public void RemoveAt(int index)
    {
        var target = this[index];
        RemoveAll(binding => ReferenceEquals(binding, target));
    }

    /// <summary>Removes the bindings <paramref name="match"/> picks, adding them to <paramref name="removed"/> if given.</summary>
    /// <returns>How many were removed. A set where none matches is left as it is, without copying.</returns>
    public int RemoveAll(Func<ContactBinding, bool> match, List<ContactBinding>? removed = null)
    {
        var matches = 0;
        for (var i = 0; i < Count; i++)
        {
            matches += match(this[i]) ? 1 : 0;
        }

        if (matches == 0)
        {
            return 0;
        }

        var remaining = new ContactBinding[Count - matches];
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!match(this[i]))
            {
                remaining[kept++] = this[i];
            }
            else
            {
                removed?.Add(this[i]);
            }
        }

        _contacts = remaining.Length switch
        {
            0 => null,
            1 => remaining[0],
            _ => remaining,
        };
        return matches;
    }

    /// <summary>The bindings not expired at <paramref name="utcNow"/>, in the order they were added.</summary>
    public ContactBinding[] Live(DateTime utcNow)
    {
        var live = 0;
        for (var i = 0; i < Count; i++)
        {
            live += this[i].IsExpiredAt(utcNow) ? 0 : 1;
        }

        var bindings = new ContactBinding[live];
        var next = 0;
        for (var i = 0; i < Count && next < live; i++)
        {
            if (!this[i].IsExpiredAt(utcNow))
            {
                bindings[next++] = this[i];
            }
        }

        return bindings;
    }

    public void Clear() => _contacts = null;
}
