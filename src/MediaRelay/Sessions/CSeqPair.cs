namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// The session's (caller CSeq, callee CSeq) pair (spec §4.2), ordered element by element, caller first:
/// a greater pair marks an offer, an equal one an answer, a smaller one an old message.
/// </summary>
internal readonly record struct CSeqPair(long Caller, long Callee) : IComparable<CSeqPair>
{
    public int CompareTo(CSeqPair other)
    {
        var byCaller = Caller.CompareTo(other.Caller);
        return byCaller != 0 ? byCaller : Callee.CompareTo(other.Callee);
    }

    public static bool operator >(CSeqPair left, CSeqPair right) => left.CompareTo(right) > 0;
    public static bool operator <(CSeqPair left, CSeqPair right) => left.CompareTo(right) < 0;
    public static bool operator >=(CSeqPair left, CSeqPair right) => left.CompareTo(right) >= 0;
    public static bool operator <=(CSeqPair left, CSeqPair right) => left.CompareTo(right) <= 0;
}
