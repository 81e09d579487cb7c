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
public sealed class ClientTransaction : Transaction
{
    private const int ProxyTimerC = 2;

    private readonly IClientTransactionUser _user;
    private readonly TimerWheelEntry? _timerC;
    private readonly Lock _gate = new();
    private byte[]? _request;
    private byte[]? _ack;
    private bool _ackOwed;
    private TimeSpan _retransmitInterval;

    /// <param name="runTimerC">Arm the proxy's Timer C (INVITE only).</param>
    public ClientTransaction(byte[] key, bool isInvite, ITransactionChannel channel, SipTimers timers, TimerWheel wheel, IClientTransactionUser user, bool runTimerC = true)
        : base(key, isInvite, channel, timers, wheel, isInvite ? TransactionState.Calling : TransactionState.Trying)
    {
        _user = user;
        if (isInvite && runTimerC)
        {
            _timerC = new TimerWheelEntry(this, ProxyTimerC);
        }
    }

    /// <summary>Highest-priority status seen: the final one once it came, else the last provisional, 0 before any.</summary>
    public int LastStatusCode { get; private set; }

    /// <summary>A provisional answer arrived (RFC 3261 section 9.1: only then may the branch be cancelled).</summary>
    public bool ReceivedProvisional { get; private set; }

    public bool IsFinal => LastStatusCode >= 200;

    /// <summary>The request as sent (null before <see cref="Start(byte[])"/>).</summary>
    public ReadOnlyMemory<byte> Request => _request;

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
            if (!Channel.Send(request))
            {
                end = TerminateLocked(TransactionEnd.TransportError);
            }
            else
            {
                if (!Channel.IsReliable)
                {
                    _retransmitInterval = IsInvite ? Timers.TimerA : Timers.TimerE;
                    Wheel.Schedule(Retransmit, _retransmitInterval);
                }

                Wheel.Schedule(Lifetime, IsInvite ? Timers.TimerB : Timers.TimerF);
                if (_timerC is not null)
                {
                    Wheel.Schedule(_timerC, Timers.TimerC);
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

            if (!Channel.Send(copy))
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

    private protected override void OnTimerExpired(TimerExpiry expiry)
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
                    Wheel.Cancel(Retransmit);
                    Wheel.Cancel(Lifetime);
                    State = TransactionState.Proceeding;
                }

                if (statusCode > 100 && _timerC is not null)
                {
                    Wheel.Schedule(_timerC, Timers.TimerC);
                }

                ReceivedProvisional = true;
                LastStatusCode = statusCode;
                return ClientResponseDisposition.Deliver;
            case TransactionState.Calling or TransactionState.Proceeding when statusCode < 300:
                StopRunningTimers();
                State = TransactionState.Accepted;
                LastStatusCode = statusCode;
                Wheel.Schedule(Lifetime, Timers.TimerM);
                return ClientResponseDisposition.Deliver;
            case TransactionState.Calling or TransactionState.Proceeding:
                StopRunningTimers();
                State = TransactionState.Completed;
                LastStatusCode = statusCode;
                _ackOwed = true;
                end = EnterWait(Timers.TimerD(Channel.IsReliable));
                return ClientResponseDisposition.DeliverAndAcknowledge;
            case TransactionState.Accepted when statusCode is >= 200 and < 300:
                return ClientResponseDisposition.Deliver;
            case TransactionState.Completed when statusCode >= 300:
                if (_ack is not null)
                {
                    Channel.Send(_ack);
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
        end = EnterWait(Timers.TimerK(Channel.IsReliable));
        return ClientResponseDisposition.Deliver;
    }

    private TransactionEnd? RetransmitLocked()
    {
        if (_request is null || State is not (TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding))
        {
            return null;
        }

        if (!Channel.Send(_request))
        {
            return TerminateLocked(TransactionEnd.TransportError);
        }

        // Timer A doubles without bound; Timer E doubles up to T2, and is T2 once Proceeding (17.1.2.2).
        _retransmitInterval = !IsInvite && State == TransactionState.Proceeding
            ? Timers.T2
            : _retransmitInterval + _retransmitInterval;
        if (!IsInvite && _retransmitInterval > Timers.T2)
        {
            _retransmitInterval = Timers.T2;
        }

        Wheel.Schedule(Retransmit, _retransmitInterval);
        return null;
    }

    private protected override void StopRunningTimers()
    {
        base.StopRunningTimers();
        if (_timerC is not null)
        {
            Wheel.Cancel(_timerC);
        }
    }



    private void Report(TransactionEnd? end)
    {
        if (end is { } reason)
        {
            _user.OnTerminated(this, reason);
        }
    }
}
