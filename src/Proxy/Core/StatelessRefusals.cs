using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Core;

/// <summary>
/// In-dialog INVITEs this proxy refused without a transaction (a 407 challenge to a re-INVITE,
/// a 403): their ACK carries the dialog's To tag, not one the proxy derived, so it is recognised
/// by the refused request's identity (<see cref="ResponseFactory.TransactionHash"/>) and ends
/// here (RFC 3261 17.1.1.3: the ACK of a non-2xx answer is hop by hop) instead of reaching the
/// other phone. Kept for 64*T1 as a server transaction would keep it (Timer H), in a fixed table
/// where a newer refusal may take an older one's slot: that ACK is then forwarded, as SER does.
/// </summary>
public sealed class StatelessRefusals
{
    private const int Slots = 4096;
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(32);

    private readonly ulong[] _keys = new ulong[Slots];
    private readonly long[] _until = new long[Slots];
    private readonly TimeProvider _time;

    public StatelessRefusals(TimeProvider time) => _time = time;

    /// <summary>Notes a final non-2xx answer sent to <paramref name="request"/> when it is an INVITE inside a dialog.</summary>
    public void NoteAnswer(SipMessage request, ReadOnlySpan<byte> response)
    {
        if (request.Method != SipMethod.Invite || !HasToTag(request) || !IsFinalRefusal(response))
        {
            return;
        }

        var key = ResponseFactory.TransactionHash(request);
        var slot = (int)(key & (Slots - 1));
        Volatile.Write(ref _until[slot], _time.GetTimestamp() + (long)(Keep.TotalSeconds * _time.TimestampFrequency));
        Volatile.Write(ref _keys[slot], key);
    }

    /// <summary>Whether <paramref name="ack"/> acknowledges a refusal noted by <see cref="NoteAnswer"/>.</summary>
    public bool Acknowledges(SipMessage ack)
    {
        if (!HasToTag(ack))
        {
            return false;
        }

        var key = ResponseFactory.TransactionHash(ack);
        var slot = (int)(key & (Slots - 1));
        return Volatile.Read(ref _keys[slot]) == key && Volatile.Read(ref _until[slot]) > _time.GetTimestamp();
    }

    private static bool HasToTag(SipMessage message) => message.TryGetTo(out SipNameAddr to) && to.Tag.IsPresent;

    /// <summary>"SIP/2.0 3xx" to "SIP/2.0 6xx".</summary>
    private static bool IsFinalRefusal(ReadOnlySpan<byte> response) => response.Length > 9 && response[8] is >= (byte)'3' and <= (byte)'6';
}
