using Prometheus;

namespace NatEdge.Proxy.Telemetry;

/// <summary>
/// A counter's children made once, each at the index of the value it counts (an enum or a digit),
/// with its label value kept beside it so the current counts can be read back by label
/// (<c>ctl status</c>). A value whose label is null has no child and is never counted.
/// </summary>
internal sealed class LabelledCounter
{
    private readonly Counter.Child?[] _children;
    private readonly string?[] _labels;

    public LabelledCounter(Counter counter, int size, Func<int, string?> label)
    {
        _children = new Counter.Child?[size];
        _labels = new string?[size];
        for (var i = 0; i < size; i++)
        {
            if (label(i) is not { } value)
            {
                continue;
            }

            _labels[i] = value;
            var child = counter.WithLabels(value);

            // Published at zero, so a rate() sees the first increment and a dashboard sees every label.
            child.Publish();
            _children[i] = child;
        }
    }

    public void Inc(int index) => _children[index]!.Inc();

    /// <summary>The labels counted at least once, with their counts, in index order.</summary>
    public IReadOnlyList<LabelCount> NonZero()
    {
        var counts = new List<LabelCount>();
        for (var i = 0; i < _children.Length; i++)
        {
            if (_children[i] is { } child && child.Value > 0)
            {
                counts.Add(new LabelCount(_labels[i]!, (long)child.Value));
            }
        }

        return counts;
    }
}

/// <summary>One label value of a counter and its count.</summary>
public readonly record struct LabelCount(string Label, long Count);
