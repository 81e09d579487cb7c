using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions;

/// <summary>
/// The server side of one transaction (RFC 3261 section 17.2): it remembers the last response it
/// sent, answers request retransmissions with it, retransmits a negative INVITE answer until the ACK
/// comes (Timer G, given up at Timer H), then lingers to absorb stray retransmissions (Timers I, J)
/// or, after a 2xx, to let 2xx retransmissions through (RFC 6026 Timer L).
/// </summary>
/// <remarks>
/// Thread safety: every public method and every timer takes the transaction's lock; the user is
/// called after it is released. Bytes given to <see cref="SendResponse"/> are copied.
/// </remarks>
public sealed class ServerTransaction : ITimerWheelTarget
{
    private const int RetransmitTimer = 0;
    private const int LifetimeTimer = 1;

    private readonly ITransactionChannel _channel;
    private readonly SipTimers _timers;
    private readonly TimerWheel _wheel;
    private readonly IServerTransactionUser _user;
    private readonly TimerWheelEntry _retransmit;
    private readonly TimerWheelEntry _lifetime;
    private readonly Lock _gate = new();
    private byte[]? _lastResponse;
    private TimeSpan _retransmitInterval;

    public ServerTransaction(byte[] key, bool isInvite, ITransactionChannel channel, SipTimers timers, TimerWheel wheel, IServerTransactionUser user)
    {
        Key = key;
        IsInvite = isInvite;
        _channel = channel;
        _timers = timers;
        _wheel = wheel;
        _user = user;
        _retransmit = new TimerWheelEntry(this, RetransmitTimer);
        _lifetime = new TimerWheelEntry(this, LifetimeTimer);
        State = isInvite ? TransactionState.Proceeding : TransactionState.Trying;
    }

    /// <summary>The matching key it is filed under (<see cref="TransactionKey"/>).</summary>
    public byte[] Key { get; }

    public bool IsInvite { get; }

    public TransactionState State { get; private set; }

    /// <summary>Status code of the last response sent, 0 before any.</summary>
    public int LastStatusCode { get; private set; }

    public ITransactionChannel Channel => _channel;

    /// <summary>Owner's per-transaction data (the proxy keeps its forwarding context here).</summary>
    public object? Context { get; set; }

    /// <summary>
    /// Sends a response from the transaction user and moves the state machine. Returns false when
    /// the transport refused it (the transaction is then terminated) or the state does not accept
    /// that response (a late answer after the final one).
    /// </summary>
    public bool SendResponse(int statusCode, ReadOnlySpan<byte> response)
    {
        var end = (TransactionEnd?)null;
        bool sent;
        lock (_gate)
        {
            if (!Accepts(statusCode))
            {
                return false;
            }

            _lastResponse = response.ToArray();
            LastStatusCode = statusCode;
            sent = _channel.Send(_lastResponse);
            if (!sent)
            {
                end = TerminateLocked(TransactionEnd.TransportError);
            }
            else if (statusCode < 200)
            {
                State = TransactionState.Proceeding;
            }
            else if (IsInvite && statusCode < 300)
            {
                if (State != TransactionState.Accepted)
                {
                    State = TransactionState.Accepted;
                    _wheel.Schedule(_lifetime, _timers.TimerL);
                }
            }
            else if (IsInvite)
            {
                State = TransactionState.Completed;
                if (!_channel.IsReliable)
                {
                    _retransmitInterval = _timers.TimerG;
                    _wheel.Schedule(_retransmit, _retransmitInterval);
                }

                _wheel.Schedule(_lifetime, _timers.TimerH);
            }
            else
            {
                State = TransactionState.Completed;
                end = EnterWait(_timers.TimerJ(_channel.IsReliable));
            }
        }

        Report(end);
        return sent;
    }

    /// <summary>A request that matched this transaction again (RFC 3261 section 17.2.1 and 17.2.2).</summary>
    public ServerRequestDisposition ReceiveRequest(bool isAck)
    {
        TransactionEnd? end = null;
        ServerRequestDisposition disposition;
        lock (_gate)
        {
            if (isAck)
            {
                disposition = ReceiveAckLocked(out end);
            }
            else
            {
                // Accepted (RFC 6026) absorbs INVITE retransmissions without answering: the 2xx is
                // retransmitted end to end by the UAS, not by the proxy.
                if (_lastResponse is not null && State is TransactionState.Proceeding or TransactionState.Completed)
                {
                    _channel.Send(_lastResponse);
                }

                disposition = ServerRequestDisposition.Absorbed;
            }
        }

        Report(end);
        return disposition;
    }

    /// <summary>Ends the transaction now, without sending anything (shutdown, or its owner gave up).</summary>
    public void Abort()
    {
        TransactionEnd? end;
        lock (_gate)
        {
            end = TerminateLocked(TransactionEnd.Aborted);
        }

        Report(end);
    }

    void ITimerWheelTarget.OnTimerExpired(TimerExpiry expiry)
    {
        TransactionEnd? end = null;
        lock (_gate)
        {
            if (!expiry.IsCurrent || State == TransactionState.Terminated)
            {
                return;
            }

            if (expiry.TimerId == RetransmitTimer)
            {
                // Timer G: resend the negative answer, doubling up to T2.
                if (State == TransactionState.Completed && _lastResponse is not null)
                {
                    if (!_channel.Send(_lastResponse))
                    {
                        end = TerminateLocked(TransactionEnd.TransportError);
                    }
                    else
                    {
                        _retransmitInterval = Min(_retransmitInterval + _retransmitInterval, _timers.T2);
                        _wheel.Schedule(_retransmit, _retransmitInterval);
                    }
                }
            }
            else
            {
                // Timer H (no ACK came), or the end of a wait: I, J, L.
                var reason = State == TransactionState.Completed && IsInvite ? TransactionEnd.AckTimeout : TransactionEnd.Completed;
                end = TerminateLocked(reason);
            }
        }

        Report(end);
    }

    private ServerRequestDisposition ReceiveAckLocked(out TransactionEnd? end)
    {
        end = null;
        if (!IsInvite)
        {
            return ServerRequestDisposition.Absorbed;
        }

        switch (State)
        {
            case TransactionState.Completed:
                State = TransactionState.Confirmed;
                _wheel.Cancel(_retransmit);
                end = EnterWait(_timers.TimerI(_channel.IsReliable));
                return ServerRequestDisposition.AckAbsorbed;
            case TransactionState.Confirmed:
                return ServerRequestDisposition.AckAbsorbed;
            default:
                return ServerRequestDisposition.PassUp;
        }
    }

    private bool Accepts(int statusCode) => State switch
    {
        TransactionState.Trying or TransactionState.Proceeding => true,
        // RFC 6026: further 2xx from the UAS are passed through while Accepted.
        TransactionState.Accepted => statusCode is >= 200 and < 300,
        _ => false,
    };

    /// <summary>Starts a wait timer, or terminates at once when it is zero (reliable transports).</summary>
    private TransactionEnd? EnterWait(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return TerminateLocked(TransactionEnd.Completed);
        }

        _wheel.Schedule(_lifetime, wait);
        return null;
    }

    /// <summary>Moves to Terminated and stops the timers; null when it already was (report once).</summary>
    private TransactionEnd? TerminateLocked(TransactionEnd reason)
    {
        if (State == TransactionState.Terminated)
        {
            return null;
        }

        State = TransactionState.Terminated;
        _wheel.Cancel(_retransmit);
        _wheel.Cancel(_lifetime);
        return reason;
    }

    private void Report(TransactionEnd? end)
    {
        if (end is { } reason)
        {
            _user.OnTerminated(this, reason);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
