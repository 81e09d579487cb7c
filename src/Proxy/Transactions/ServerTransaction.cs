using System.Diagnostics;
using NatEdge.Proxy.Telemetry;
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
public sealed class ServerTransaction : Transaction
{
    private readonly IServerTransactionUser _user;
    private readonly Lock _gate = new();
    private byte[]? _lastResponse;
    private TimeSpan _retransmitInterval;
    private Activity? _trace;

    public ServerTransaction(byte[] key, bool isInvite, ITransactionChannel channel, SipTimers timers, TimerWheel wheel, IServerTransactionUser user)
        : base(key, isInvite, channel, timers, wheel, isInvite ? TransactionState.Proceeding : TransactionState.Trying)
    {
        _user = user;
    }

    /// <summary>Status code of the last response sent, 0 before any.</summary>
    public int LastStatusCode { get; private set; }

    /// <summary>Owner's per-transaction data (the proxy keeps its forwarding context here).</summary>
    public object? Context { get; set; }

    /// <summary>Takes the request's trace span, to end it with the final response or with the transaction.</summary>
    public void AdoptTrace(Activity? trace) => _trace = trace;

    /// <summary>
    /// Sends a response from the transaction user and moves the state machine. Returns false when
    /// the transport refused it (the transaction is then terminated) or the state does not accept
    /// that response (a late answer after the final one).
    /// </summary>
    public bool SendResponse(int statusCode, ReadOnlySpan<byte> response) => SendResponse(statusCode, response.ToArray());

    /// <summary>As <see cref="SendResponse(int, ReadOnlySpan{byte})"/>, handing over the array, which must not change afterwards.</summary>
    public bool SendResponse(int statusCode, byte[] response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var end = (TransactionEnd?)null;
        bool sent;
        lock (_gate)
        {
            if (!Accepts(statusCode))
            {
                return false;
            }

            _lastResponse = response;
            LastStatusCode = statusCode;
            sent = Channel.Send(_lastResponse);
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
                    Wheel.Schedule(Lifetime, Timers.TimerL);
                }
            }
            else if (IsInvite)
            {
                State = TransactionState.Completed;
                if (!Channel.IsReliable)
                {
                    _retransmitInterval = Timers.TimerG;
                    Wheel.Schedule(Retransmit, _retransmitInterval);
                }

                Wheel.Schedule(Lifetime, Timers.TimerH);
            }
            else
            {
                State = TransactionState.Completed;
                end = EnterWait(Timers.TimerJ(Channel.IsReliable));
            }
        }

        if (sent && statusCode >= 200)
        {
            ProxyTracing.EndTransaction(Interlocked.Exchange(ref _trace, null), statusCode, endedWithout: null);
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
                    Channel.Send(_lastResponse);
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

    private protected override void OnTimerExpired(TimerExpiry expiry)
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
                    if (!Channel.Send(_lastResponse))
                    {
                        end = TerminateLocked(TransactionEnd.TransportError);
                    }
                    else
                    {
                        _retransmitInterval = Min(_retransmitInterval + _retransmitInterval, Timers.T2);
                        Wheel.Schedule(Retransmit, _retransmitInterval);
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
                Wheel.Cancel(Retransmit);
                end = EnterWait(Timers.TimerI(Channel.IsReliable));
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



    private void Report(TransactionEnd? end)
    {
        if (end is { } reason)
        {
            ProxyTracing.EndTransaction(Interlocked.Exchange(ref _trace, null), LastStatusCode, reason.ToString());
            _user.OnTerminated(this, reason);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
