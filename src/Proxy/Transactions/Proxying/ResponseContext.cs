using System.Buffers;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// The state a stateful proxy keeps for one forwarded request (RFC 3261 section 16, its "response
/// context"): the server transaction toward the caller, a client transaction per branch, and the
/// candidate final answers. It forwards provisionals and 2xx at once, collects negative answers,
/// picks the best one when every branch has ended (section 16.7), runs the failure hook, cancels
/// branches (sections 9.1, 16.10) and answers 408 when branches time out.
/// </summary>
/// <remarks>
/// Locking: one lock per context, taken by every entry point (responses, timers, CANCEL). It is
/// taken before a transaction's own lock, never after, and transactions report to it only after
/// releasing theirs, so the order is always context then transaction. The lock is re-entrant: a
/// transaction that terminates while the context drives it reports back on the same thread.
/// </remarks>
public sealed class ResponseContext : IServerTransactionUser, IClientTransactionUser
{
    private static readonly byte[] Trying = "Trying"u8.ToArray();

    private readonly StatefulProxy _proxy;
    private readonly List<ProxyBranch> _branches = new(2);
    private readonly object _gate = new();
    private bool _starting;
    private bool _finalSent;

    internal ResponseContext(StatefulProxy proxy, SipMessage request, RelayHooks hooks, uint flags, IBranchHeaderWriter? branchHeaders)
    {
        _proxy = proxy;
        BranchHeaders = branchHeaders;
        Request = request;
        Hooks = hooks;
        Flags = flags;
    }

    /// <summary>The request as forwarded, without the proxy's Via (a private copy; for local answers and new branches).</summary>
    public SipMessage Request { get; }

    public ServerTransaction Server { get; internal set; } = null!;

    /// <summary>Hooks armed for this transaction; the failure hook is disarmed when it runs and may be armed again.</summary>
    public RelayHooks Hooks { get; set; }

    /// <summary>Per-branch header lines (Record-Route) for every branch, forked later ones included.</summary>
    public IBranchHeaderWriter? BranchHeaders { get; }

    /// <summary>Script flags, carried into reply and failure routes.</summary>
    public uint Flags { get; set; }

    /// <summary>The caller sent CANCEL.</summary>
    public bool IsCancelled { get; private set; }

    /// <summary>A final answer went upstream (a 2xx, the best negative one, or a local reply).</summary>
    public bool IsAnswered
    {
        get
        {
            lock (_gate)
            {
                return _finalSent;
            }
        }
    }

    public int BranchCount
    {
        get
        {
            lock (_gate)
            {
                return _branches.Count;
            }
        }
    }

    /// <summary>
    /// Adds branches to a transaction whose branches all failed, from its failure hook (serial
    /// forking, RFC 3261 section 16.7 step 6 "the proxy MAY ... fork"). None when at least one was sent.
    /// </summary>
    public RelayError Fork(ReadOnlySpan<RelayTarget> targets)
    {
        lock (_gate)
        {
            if (_finalSent || IsCancelled)
            {
                return RelayError.SendFailed;
            }

            return StartBranches(Request, targets);
        }
    }

    /// <summary>Answers the caller from the proxy itself (t_reply); false when a final answer already went.</summary>
    public bool Reply(int statusCode, ReadOnlySpan<byte> reason)
    {
        lock (_gate)
        {
            if (_finalSent && statusCode >= 200)
            {
                return false;
            }

            _finalSent |= statusCode >= 200;
            return SendLocal(statusCode, reason);
        }
    }

    internal RelayError Start(SipMessage request, ReadOnlySpan<RelayTarget> targets)
    {
        lock (_gate)
        {
            if (Server.IsInvite)
            {
                // RFC 3261 section 16.2: a stateful proxy answers an INVITE with 100 at once, so the
                // caller stops retransmitting while the branches ring.
                SendLocal(100, Trying);
            }

            var error = StartBranches(request, targets);
            if (error != RelayError.None)
            {
                _finalSent = true;
                Server.Abort();
            }

            return error;
        }
    }

    internal void CancelFromUpstream()
    {
        lock (_gate)
        {
            if (_finalSent)
            {
                return;
            }

            IsCancelled = true;
            foreach (var branch in _branches)
            {
                CancelBranch(branch);
            }

            TryComplete();
        }
    }

    internal void OnResponse(ProxyBranch branch, SipMessage response, ClientResponseDisposition disposition)
    {
        lock (_gate)
        {
            var status = response.StatusCode;
            if (disposition == ClientResponseDisposition.DeliverAndAcknowledge && branch.SentRequest is { } sent)
            {
                branch.Transaction.SendAck(ForwardedRequestWriter.WriteAck(sent, response));
            }

            if (status < 200)
            {
                if (branch.CancelWanted && branch.Cancel is null)
                {
                    SendCancel(branch);
                }

                // RFC 3261 section 16.7 step 5: 100 is hop by hop; other provisionals go upstream
                // unless a final answer already went or the caller cancelled.
                if (status > 100 && !_finalSent && !IsCancelled && RunReplyHook(response))
                {
                    Server.SendResponse(status, Upstream(response));
                }

                return;
            }

            if (status < 300)
            {
                // Every 2xx goes upstream (section 16.7 step 5), then the other branches are cancelled (step 10).
                var wasPending = branch.IsPending;
                branch.FinalStatus = status;
                branch.StopCancelGuard(_proxy.Wheel);
                if (RunReplyHook(response))
                {
                    _finalSent = true;
                    Server.SendResponse(status, Upstream(response));
                }

                if (wasPending)
                {
                    CancelOthers(branch);
                }

                return;
            }

            RunReplyHook(response);
            if (branch.TimedOut)
            {
                // The 487 that follows Timer C's CANCEL: the caller hears 408 (RFC 3261 16.8).
                if (branch.IsPending)
                {
                    branch.FinalStatus = 408;
                    branch.StopCancelGuard(_proxy.Wheel);
                }
            }
            else if (branch.IsPending || branch.FinalResponse is null)
            {
                branch.FinalStatus = status;
                branch.FinalResponse = Upstream(response);
                branch.StopCancelGuard(_proxy.Wheel);
            }

            if (status >= 600)
            {
                // Section 16.7 step 5: a 6xx ends the search; the pending branches are cancelled.
                CancelOthers(branch);
            }

            TryComplete();
        }
    }

    internal void OnCancelGuardExpired(ProxyBranch branch, TimerExpiry expiry)
    {
        lock (_gate)
        {
            if (!expiry.IsCurrent || !branch.IsPending)
            {
                return;
            }

            branch.FinalStatus = branch.TimedOut ? 408 : 487;
            branch.Transaction.Abort();
            TryComplete();
        }
    }

    void IClientTransactionUser.OnTimerC(ClientTransaction transaction)
    {
        lock (_gate)
        {
            var branch = (ProxyBranch)transaction.Context!;
            if (!branch.IsPending)
            {
                return;
            }

            // RFC 3261 section 16.8: cancel a ringing branch; one that never answered counts as 408.
            // Either way the caller is told 408, as Kamailio does when fr_inv_timer runs out.
            if (transaction.ReceivedProvisional)
            {
                branch.TimedOut = true;
                branch.CancelWanted = true;
                if (branch.Cancel is null)
                {
                    SendCancel(branch);
                }

                return;
            }

            branch.FinalStatus = 408;
            transaction.Abort();
            TryComplete();
        }
    }

    void IClientTransactionUser.OnTerminated(ClientTransaction transaction, TransactionEnd reason)
    {
        _proxy.ClientTransactions.Remove(transaction.Key, transaction);
        var branch = (ProxyBranch)transaction.Context!;
        if (ReferenceEquals(branch.Cancel, transaction))
        {
            return;
        }

        lock (_gate)
        {
            if (!branch.IsPending || reason == TransactionEnd.Completed)
            {
                // Completed means a final answer ended the transaction, and that answer decides the
                // branch in OnResponse. Over TCP Timers D and K are zero, so the end is reported from
                // inside ReceiveResponse, before the answer is handed over: it is not a failure.
                return;
            }

            // Timer B/F is a 408 (section 16.7 step 2 via 17.1), a transport failure a 503 (16.9);
            // a branch being cancelled ends as cancelled.
            branch.FinalStatus = branch.TimedOut ? 408 : branch.CancelWanted ? 487 : reason == TransactionEnd.Timeout ? 408 : 503;
            branch.StopCancelGuard(_proxy.Wheel);
            TryComplete();
        }
    }

    void IServerTransactionUser.OnTerminated(ServerTransaction transaction, TransactionEnd reason)
    {
        _proxy.ServerTransactions.Remove(transaction.Key, transaction);
        lock (_gate)
        {
            if (_finalSent)
            {
                return;
            }

            // The caller is gone (transport failure or shutdown): nothing more can be answered.
            _finalSent = true;
            foreach (var branch in _branches)
            {
                CancelBranch(branch);
            }
        }
    }

    private RelayError StartBranches(SipMessage request, ReadOnlySpan<RelayTarget> targets)
    {
        if (targets.IsEmpty)
        {
            return RelayError.NoTargets;
        }

        var lastError = RelayError.SendFailed;
        var sent = 0;
        _starting = true;
        try
        {
            foreach (var target in targets)
            {
                var error = _proxy.Resolver.TryResolve(target.NextHopUri.Span, out var hop);
                if (error != RelayError.None)
                {
                    lastError = error;
                    continue;
                }

                if (StartBranch(request, target, hop))
                {
                    sent++;
                }
            }
        }
        finally
        {
            _starting = false;
        }

        if (sent == 0)
        {
            return lastError;
        }

        TryComplete();
        return RelayError.None;
    }

    private bool StartBranch(SipMessage request, in RelayTarget target, in NextHop hop)
    {
        var branch = new ProxyBranch(this, _branches.Count, BranchIds.Create(Server.Key, _branches.Count));
        var bytes = ForwardedRequestWriter.WriteBranch(request, target.RequestUri.Span, hop, branch.BranchId, BranchHeaders);
        var key = ClientKey(request[request.MethodName], branch.BranchId);
        var transaction = new ClientTransaction(key, Server.IsInvite, hop.Channel, _proxy.Timers, _proxy.Wheel, this, runTimerC: Server.IsInvite)
        {
            Context = branch,
        };
        branch.Transaction = transaction;
        _branches.Add(branch);
        _proxy.ClientTransactions.TryAdd(key, transaction);
        return transaction.Start(bytes);
    }

    private void CancelOthers(ProxyBranch answered)
    {
        foreach (var branch in _branches)
        {
            if (!ReferenceEquals(branch, answered))
            {
                CancelBranch(branch);
            }
        }
    }

    /// <summary>
    /// Cancels a pending INVITE branch: at once when it rang, otherwise it counts as cancelled now
    /// and the CANCEL follows its first provisional answer, should one still come (section 9.1).
    /// </summary>
    private void CancelBranch(ProxyBranch branch)
    {
        if (!branch.IsPending || branch.CancelWanted)
        {
            return;
        }

        branch.CancelWanted = true;
        if (!branch.Transaction.IsInvite)
        {
            return;
        }

        if (branch.Transaction.ReceivedProvisional)
        {
            SendCancel(branch);
        }
        else
        {
            branch.FinalStatus = 487;
        }
    }

    private void SendCancel(ProxyBranch branch)
    {
        if (branch.SentRequest is not { } sent)
        {
            return;
        }

        var key = ClientKey("CANCEL"u8, branch.BranchId);
        var cancel = new ClientTransaction(key, isInvite: false, branch.Transaction.Channel, _proxy.Timers, _proxy.Wheel, this, runTimerC: false)
        {
            Context = branch,
        };
        branch.Cancel = cancel;
        _proxy.ClientTransactions.TryAdd(key, cancel);
        if (branch.IsPending)
        {
            branch.StartCancelGuard(_proxy.Wheel, _proxy.Timers.TransactionTimeout);
        }

        cancel.Start(ForwardedRequestWriter.WriteCancel(sent));
    }

    private void TryComplete()
    {
        if (_starting || _finalSent)
        {
            return;
        }

        Span<int> statuses = _branches.Count <= 32 ? stackalloc int[_branches.Count] : new int[_branches.Count];
        for (var i = 0; i < _branches.Count; i++)
        {
            if (_branches[i].IsPending)
            {
                return;
            }

            statuses[i] = _branches[i].FinalStatus;
        }

        var best = BestResponse.Select(statuses);
        if (best < 0)
        {
            return;
        }

        if (Hooks.OnFailure is { } failure && !IsCancelled)
        {
            Hooks = Hooks with { OnFailure = null };
            var before = _branches.Count;
            failure(this, statuses[best]);
            if (_finalSent || _branches.Count > before)
            {
                // A local reply was sent, or new branches run: they decide the outcome.
                if (!_finalSent)
                {
                    TryComplete();
                }

                return;
            }
        }

        _finalSent = true;
        var chosen = _branches[best];
        if (chosen.FinalResponse is { } response && chosen.FinalStatus != 503)
        {
            Server.SendResponse(chosen.FinalStatus, response);
            return;
        }

        // Section 16.7 step 6: a 503 becomes a 500 (the service the caller asked for is not ours);
        // timeouts and cancelled branches are answered from here.
        var code = chosen.FinalStatus == 503 ? 500 : chosen.FinalStatus;
        SendLocal(code, LocalReasons.For(code));
    }

    private bool RunReplyHook(SipMessage response) => Hooks.OnReply is not { } hook || hook(this, response);

    private bool SendLocal(int statusCode, ReadOnlySpan<byte> reason)
    {
        var writer = new ArrayBufferWriter<byte>(512);
        ResponseFactory.Write(writer, Request, statusCode, reason);
        return Server.SendResponse(statusCode, writer.WrittenSpan);
    }

    /// <summary>The response as it goes upstream: the proxy's own Via removed (section 16.7 step 3).</summary>
    private static byte[] Upstream(SipMessage response)
    {
        SipMessageWriter.PopVia(response);
        var bytes = new byte[SipMessageWriter.GetLength(response)];
        var written = SipMessageWriter.Write(response, bytes);
        return written == bytes.Length ? bytes : bytes[..written];
    }

    private static byte[] ClientKey(ReadOnlySpan<byte> method, ReadOnlySpan<byte> branchId)
    {
        Span<byte> scratch = stackalloc byte[TransactionKey.StackLimit];
        SipTransactionKeys.TryWriteClientKey(method, branchId, scratch, out var key);
        return key.ToArray();
    }
}
