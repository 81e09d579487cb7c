using System.Runtime.CompilerServices;

namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// One header line of a received message: its id, the name as written (any case, maybe compact),
/// the value with surrounding white space trimmed (it may still hold folded lines and several
/// comma-separated values), and the whole line including its CRLF, which is what an edit removes.
/// </summary>
public readonly record struct HeaderEntry(HeaderId Id, TextRange Name, TextRange Value, TextRange Line);

// Most messages have fewer than 32 header lines; they are indexed inside the SipMessage object
// itself so that parsing allocates that one object. Longer messages spill into an array.
[InlineArray(Capacity)]
internal struct InlineHeaderEntries
{
    public const int Capacity = 32;

    private HeaderEntry _first;
}

// First line of each known header, stored as index + 1 so that zero means "absent".
[InlineArray(HeaderIds.Count)]
internal struct FirstHeaderIndexes
{
    private short _first;
}
