using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions;

/// <summary>
/// The client side of one transaction (RFC 3261 section 17.1), for one branch of a proxied
/// request: it retransmits the request over unreliable transports (Timer A for INVITE, doubling;
/// Timer E otherwise, capped at T2), gives up without a final answer (Timer B or F, the fr_timer),
/// acknowledges negative INVITE answers hop by hop and absorbs their retransmissions (Timer D),
/// lets 2xx retransmissions through while Accepted (RFC 6026 Timer M), absorbs late non-INVITE
/// answers (Timer K), and runs the proxy's Timer C for INVITE (fr_inv_timer).
/// </summary>
/// <remarks>
/// Thread safety: every public method and every timer takes the transaction's lock; the user is
/// called after it is released. Request and ACK bytes are copied.
/// </remarks>
public sealed class ClientTransaction : ITimerWheelTarget
{
    private const int RetransmitTimer = 0;
    private const int LifetimeTimer = 1;
    private const int ProxyTimerC = 2;

    private readonly ITransactionChannel _channel;
    private readonly SipTimers _timers;
    private readonly TimerWheel _wheel;
    private readonly IClientTransactionUser _user;
    private readonly TimerWheelEntry _retransmit;
    private readonly TimerWheelEntry _lifetime;
    private readonly TimerWheelEntry? _timerC;
    private readonly Lock _gate = new();
    private byte[]? _request;
    private byte[]? _ack;
    private bool _ackOwed;
    private TimeSpan _retransmitInterval;

    /// <param name="runTimerC">Arm the proxy's Timer C (INVITE only).</param>
    public ClientTransaction(byte[] key, bool isInvite, ITransactionChannel channel, SipTimers timers, TimerWheel wheel, IClientTransactionUser user, bool runTimerC = true)
    {
        Key = key;
        IsInvite = isInvite;
        _channel = channel;
        _timers = timers;
        _wheel = wheel;
        _user = user;
        _retransmit = new TimerWheelEntry(this, RetransmitTimer);
        _lifetime = new TimerWheelEntry(this, LifetimeTimer);
        if (isInvite && runTimerC)
        {
            _timerC = new TimerWheelEntry(this, ProxyTimerC);
        }

        State = isInvite ? TransactionState.Calling : TransactionState.Trying;
    }

    /// <summary>The matching key it is filed under (<see cref="TransactionKey"/>).</summary>
    public byte[] Key { get; }

    public bool IsInvite { get; }

    public TransactionState State { get; private set; }

    /// <summary>Highest-priority status seen: the final one once it came, else the last provisional, 0 before any.</summary>
    public int LastStatusCode { get; private set; }

    /// <summary>A provisional answer arrived (RFC 3261 section 9.1: only then may the branch be cancelled).</summary>
    public bool ReceivedProvisional { get; private set; }

    public bool IsFinal => LastStatusCode >= 200;

    /// <summary>The request as sent (null before <see cref="Start(byte[])"/>).</summary>
    public ReadOnlyMemory<byte> Request => _request;

    public ITransactionChannel Channel => _channel;

    /// <summary>Owner's per-branch data.</summary>
    public object? Context { get; set; }

    /// <summary>Sends a copy of the request and starts the timers; false (and terminated) when the transport refused it.</summary>
    public bool Start(ReadOnlySpan<byte> request) => Start(request.ToArray());

    /// <summary>
    /// Sends the request and starts the timers; the array is handed over and must not change
    /// afterwards. False (and terminated) when the transport refused it.
    /// </summary>
    public bool Start(byte[] request)
    {
        ArgumentNullException.ThrowIfNull(request);
        TransactionEnd? end = null;
        lock (_gate)
        {
            if (_request is not null || State == TransactionState.Terminated)
            {
                throw new InvalidOperationException("a client transaction is started once");
            }

            _request = request;
            if (!_channel.Send(request))
            {
                end = TerminateLocked(TransactionEnd.TransportError);
            }
            else
            {
                if (!_channel.IsReliable)
                {
                    _retransmitInterval = IsInvite ? _timers.TimerA : _timers.TimerE;
                    _wheel.Schedule(_retransmit, _retransmitInterval);
                }

                _wheel.Schedule(_lifetime, IsInvite ? _timers.TimerB : _timers.TimerF);
                if (_timerC is not null)
                {
                    _wheel.Schedule(_timerC, _timers.TimerC);
                }
            }
        }

        Report(end);
        return end is null;
    }

    /// <summary>Moves the state machine for a response that matched this transaction and says what to do with it.</summary>
    public ClientResponseDisposition ReceiveResponse(int statusCode)
    {
        TransactionEnd? end = null;
        ClientResponseDisposition disposition;
        lock (_gate)
        {
            disposition = IsInvite ? ReceiveInviteResponseLocked(statusCode, out end) : ReceiveNonInviteResponseLocked(statusCode, out end);
        }

        Report(end);
        return disposition;
    }

    /// <summary>
    /// Gives the ACK for the negative final answer (RFC 3261 section 17.1.1.3) after
    /// <see cref="ClientResponseDisposition.DeliverAndAcknowledge"/>: it is sent now and again for
    /// every retransmission of that answer.
    /// </summary>
    public bool SendAck(ReadOnlySpan<byte> ack)
    {
        TransactionEnd? end = null;
        lock (_gate)
        {
            // Over a reliable transport Timer D is zero and the transaction may already be
            // terminated: the ACK is still owed once.
            if (!_ackOwed)
            {
                return false;
            }

            _ackOwed = false;
            var copy = ack.ToArray();
            if (State == TransactionState.Completed)
            {
                _ack = copy;
            }

            if (!_channel.Send(copy))
            {
                end = TerminateLocked(TransactionEnd.TransportError);
            }
        }

        Report(end);
        return end is null;
    }

    /// <summary>Ends the transaction now, without sending anything.</summary>
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
        var timerC = false;
        lock (_gate)
        {
            if (!expiry.IsCurrent || State == TransactionState.Terminated)
            {
                return;
            }

            switch (expiry.TimerId)
            {
                case RetransmitTimer:
                    end = RetransmitLocked();
                    break;
                case LifetimeTimer:
                    // Timer B or F before a final answer; D, K or M after it.
                    end = TerminateLocked(State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding
                        ? TransactionEnd.Timeout
                        : TransactionEnd.Completed);
                    break;
                default:
                    timerC = State is TransactionState.Calling or TransactionState.Proceeding;
                    break;
            }
        }

        if (timerC)
        {
            _user.OnTimerC(this);
        }

        Report(end);
    }

    private ClientResponseDisposition ReceiveInviteResponseLocked(int statusCode, out TransactionEnd? end)
    {
        end = null;
        switch (State)
        {
            case TransactionState.Calling or TransactionState.Proceeding when statusCode < 200:
                if (State == TransactionState.Calling)
                {
                    // Proceeding waits for the final answer as long as the TU (Timer C) lets it.
                    _wheel.Cancel(_retransmit);
                    _wheel.Cancel(_lifetime);
                    State = TransactionState.Proceeding;
                }

                if (statusCode > 100 && _timerC is not null)
                {
                    _wheel.Schedule(_timerC, _timers.TimerC);
                }

                ReceivedProvisional = true;
                LastStatusCode = statusCode;
                return ClientResponseDisposition.Deliver;
            case TransactionState.Calling or TransactionState.Proceeding when statusCode < 300:
                StopRunningTimers();
                State = TransactionState.Accepted;
                LastStatusCode = statusCode;
                _wheel.Schedule(_lifetime, _timers.TimerM);
                return ClientResponseDisposition.Deliver;
            case TransactionState.Calling or TransactionState.Proceeding:
                StopRunningTimers();
                State = TransactionState.Completed;
                LastStatusCode = statusCode;
                _ackOwed = true;
                end = EnterWait(_timers.TimerD(_channel.IsReliable));
                return ClientResponseDisposition.DeliverAndAcknowledge;
            case TransactionState.Accepted when statusCode is >= 200 and < 300:
                return ClientResponseDisposition.Deliver;
            case TransactionState.Completed when statusCode >= 300:
                if (_ack is not null)
                {
                    _channel.Send(_ack);
                }

                return ClientResponseDisposition.Absorb;
            default:
                return ClientResponseDisposition.Absorb;
        }
    }

    private ClientResponseDisposition ReceiveNonInviteResponseLocked(int statusCode, out TransactionEnd? end)
    {
        end = null;
        if (State is not (TransactionState.Trying or TransactionState.Proceeding))
        {
            return ClientResponseDisposition.Absorb;
        }

        LastStatusCode = statusCode;
        if (statusCode < 200)
        {
            State = TransactionState.Proceeding;
            ReceivedProvisional = true;
            return ClientResponseDisposition.Deliver;
        }

        StopRunningTimers();
        State = TransactionState.Completed;
        end = EnterWait(_timers.TimerK(_channel.IsReliable));
        return ClientResponseDisposition.Deliver;
    }

    private TransactionEnd? RetransmitLocked()
    {
        if (_request is null || State is not (TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding))
        {
            return null;
        }

        if (!_channel.Send(_request))
        {
            return TerminateLocked(TransactionEnd.TransportError);
        }

        // Timer A doubles without bound; Timer E doubles up to T2, and is T2 once Proceeding (17.1.2.2).
        _retransmitInterval = !IsInvite && State == TransactionState.Proceeding
            ? _timers.T2
            : _retransmitInterval + _retransmitInterval;
        if (!IsInvite && _retransmitInterval > _timers.T2)
        {
            _retransmitInterval = _timers.T2;
        }

        _wheel.Schedule(_retransmit, _retransmitInterval);
        return null;
    }

    private void StopRunningTimers()
    {
        _wheel.Cancel(_retransmit);
        _wheel.Cancel(_lifetime);
        if (_timerC is not null)
        {
            _wheel.Cancel(_timerC);
        }
    }

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
        StopRunningTimers();
        return reason;
    }

    private void Report(TransactionEnd? end)
    {
        if (end is { } reason)
        {
            _user.OnTerminated(this, reason);
        }
    }
}
