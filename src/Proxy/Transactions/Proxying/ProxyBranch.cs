using NatEdge.Proxy.Sip.Message;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// One branch of a forwarded request: its client transaction, the branch id in its Via, the final
/// status it ended with (received, or decided locally on timeout or cancel), and the CANCEL sent
/// on it, if any. Guarded by its <see cref="ResponseContext"/>'s lock.
/// </summary>
internal sealed class ProxyBranch : ITimerWheelTarget
{
    private readonly TimerWheelEntry _cancelGuard;
    private SipMessage? _sentRequest;

    public ProxyBranch(ResponseContext context, int number, byte[] branchId)
    {
        Context = context;
        Number = number;
        BranchId = branchId;
        _cancelGuard = new TimerWheelEntry(this, 0);
    }

    public ResponseContext Context { get; }

    public int Number { get; }

    public byte[] BranchId { get; }

    public ClientTransaction Transaction { get; set; } = null!;

    /// <summary>0 while the branch may still answer.</summary>
    public int FinalStatus { get; set; }

    /// <summary>The final answer as it goes upstream (top Via removed); null when the status was decided locally.</summary>
    public byte[]? FinalResponse { get; set; }

    public bool IsPending => FinalStatus == 0;

    /// <summary>The branch is to be cancelled: now if it has a provisional answer, else when one arrives (RFC 3261 section 9.1).</summary>
    public bool CancelWanted { get; set; }

    public ClientTransaction? Cancel { get; set; }

    /// <summary>The request sent on this branch, parsed on first use (for CANCEL and ACK).</summary>
    public SipMessage? SentRequest => _sentRequest ??= ForwardedRequestWriter.Parse(Transaction.Request);

    /// <summary>After a CANCEL, the branch gets 64*T1 to send its final answer before it is given up (RFC 3261 section 9.1).</summary>
    public void StartCancelGuard(TimerWheel wheel, TimeSpan wait) => wheel.Schedule(_cancelGuard, wait);

    public void StopCancelGuard(TimerWheel wheel) => wheel.Cancel(_cancelGuard);

    void ITimerWheelTarget.OnTimerExpired(TimerExpiry expiry) => Context.OnCancelGuardExpired(this, expiry);
}
