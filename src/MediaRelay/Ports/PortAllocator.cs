namespace NatEdge.MediaRelay.Ports;

/// <summary>
/// Hands out port pairs from the configured range (spec §4.3): pairs (p, p+1) for p = low, low+2, … with p+1 at most
/// high, so 40000-60000 gives MediaProxy's 10,000 pairs and 40000-49999 gives 5,000.
/// Allocation takes the head of a FIFO and freed pairs go to the tail after a quarantine, so the least recently
/// used pair is reused first and late packets of an old call never reach a new one. A pair that could not be
/// bound is set aside; when more pairs are set aside than are free, they get another chance.
/// Thread-safe; allocation and release are control-path operations.
/// </summary>
public sealed class PortAllocator
{
    private readonly Queue<PortPair> _free = new();
    private readonly Queue<(PortPair Pair, long ReleasedAt)> _quarantine = new();
    private readonly List<PortPair> _unusable = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _quarantineTime;
    private readonly Lock _gate = new();
    private int _inUse;

    public PortAllocator(int low, int high, TimeSpan quarantine, TimeProvider time)
    {
        if (low % 2 != 0 || low >= high) throw new ArgumentException("the range needs an even start below its end");
        _time = time;
        _quarantineTime = quarantine;
        for (var port = low; port + 1 <= high; port += 2) _free.Enqueue(new PortPair(port));
        Capacity = _free.Count;
    }

    public int Capacity { get; }

    public int InUse
    {
        get { lock (_gate) return _inUse; }
    }

    public int Free
    {
        get { lock (_gate) { ReleaseMatured(); return _free.Count; } }
    }

    public int Quarantined
    {
        get { lock (_gate) return _quarantine.Count; }
    }

    public int Unusable
    {
        get { lock (_gate) return _unusable.Count; }
    }

    /// <summary>Takes the least recently used free pair; false when none is free (the range is exhausted).</summary>
    public bool TryAllocate(out PortPair pair)
    {
        lock (_gate)
        {
            ReleaseMatured();
            if (_unusable.Count > _free.Count)
            {
                foreach (var p in _unusable) _free.Enqueue(p);
                _unusable.Clear();
            }
            if (!_free.TryDequeue(out pair)) return false;
            _inUse++;
            return true;
        }
    }

    /// <summary>Gives a pair back; it becomes allocatable after the quarantine.</summary>
    public void Release(PortPair pair)
    {
        lock (_gate)
        {
            _inUse--;
            if (_quarantineTime <= TimeSpan.Zero) _free.Enqueue(pair);
            else _quarantine.Enqueue((pair, _time.GetTimestamp()));
        }
    }

    /// <summary>Gives back a pair that was never used (its allocation was rolled back): no quarantine needed.</summary>
    public void ReturnUnused(PortPair pair)
    {
        lock (_gate)
        {
            _inUse--;
            _free.Enqueue(pair);
        }
    }

    /// <summary>A pair that could not be bound (another process holds a port): set it aside.</summary>
    public void SetAside(PortPair pair)
    {
        lock (_gate)
        {
            _inUse--;
            _unusable.Add(pair);
        }
    }

    private void ReleaseMatured()
    {
        while (_quarantine.TryPeek(out var head) && _time.GetElapsedTime(head.ReleasedAt) >= _quarantineTime)
        {
            _quarantine.Dequeue();
            _free.Enqueue(head.Pair);
        }
    }
}
