using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions;

/// <summary>
/// What the client and server state machines of RFC 3261 section 17 share: the key they are
/// filed under, their state, the channel and timers, the retransmit and lifetime entries on the
/// wheel, and the two moves every machine ends with (wait in Completed, then Terminated).
/// Members ending in Locked are called with the subclass's gate held.
/// </summary>
public abstract class Transaction : ITimerWheelTarget
{
    protected const int RetransmitTimer = 0;
    protected const int LifetimeTimer = 1;

    private protected Transaction(byte[] key, bool isInvite, ITransactionChannel channel, SipTimers timers, TimerWheel wheel, TransactionState initial)
    {
        Key = key;
        IsInvite = isInvite;
        Channel = channel;
        Timers = timers;
        Wheel = wheel;
        Retransmit = new TimerWheelEntry(this, RetransmitTimer);
        Lifetime = new TimerWheelEntry(this, LifetimeTimer);
        State = initial;
    }

    /// <summary>The matching key it is filed under (<see cref="TransactionKey"/>).</summary>
    public byte[] Key { get; }

    public bool IsInvite { get; }

    public TransactionState State { get; protected set; }

    public ITransactionChannel Channel { get; }

    private protected SipTimers Timers { get; }

    private protected TimerWheel Wheel { get; }

    private protected TimerWheelEntry Retransmit { get; }

    private protected TimerWheelEntry Lifetime { get; }

    void ITimerWheelTarget.OnTimerExpired(TimerExpiry expiry) => OnTimerExpired(expiry);

    private protected abstract void OnTimerExpired(TimerExpiry expiry);

    /// <summary>Cancels every timer the machine may have armed.</summary>
    private protected virtual void StopRunningTimers()
    {
        Wheel.Cancel(Retransmit);
        Wheel.Cancel(Lifetime);
    }

    /// <summary>Starts a wait timer, or terminates at once when it is zero (reliable transports).</summary>
    private protected TransactionEnd? EnterWait(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return TerminateLocked(TransactionEnd.Completed);
        }

        Wheel.Schedule(Lifetime, wait);
        return null;
    }

    /// <summary>Moves to Terminated and stops the timers; null when it already was (report once).</summary>
    private protected TransactionEnd? TerminateLocked(TransactionEnd reason)
    {
        if (State == TransactionState.Terminated)
        {
            return null;
        }

        State = TransactionState.Terminated;
        StopRunningTimers();
        return reason;
    }
}
