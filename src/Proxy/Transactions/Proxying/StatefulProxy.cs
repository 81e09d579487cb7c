using System.Buffers;
using System.Globalization;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// The stateful proxy core (RFC 3261 section 16) over the transaction layer: it files server and
/// client transactions, absorbs retransmissions, forwards requests on one or more branches
/// (<see cref="Relay"/>, what t_relay calls), and routes responses back through their
/// <see cref="ResponseContext"/>. Transactions remove themselves when they terminate, so the tables
/// return to empty once traffic stops.
/// </summary>
public sealed class StatefulProxy : IServerTransactionUser
{
    private const int DefaultMaxForwards = 70;

    public StatefulProxy(SipTimers timers, TimerWheel wheel, INextHopResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(timers);
        if (timers.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(timers));
        }

        Timers = timers;
        Wheel = wheel;
        Resolver = resolver;
    }

    public SipTimers Timers { get; }

    public TimerWheel Wheel { get; }

    public INextHopResolver Resolver { get; }

    public int ServerTransactionCount => ServerTransactions.Count;

    public int ClientTransactionCount => ClientTransactions.Count;

    internal TransactionTable<ServerTransaction> ServerTransactions { get; } = new();

    internal TransactionTable<ClientTransaction> ClientTransactions { get; } = new();

    /// <summary>
    /// Lets an existing server transaction deal with a request before the route script sees it: a
    /// retransmission gets the last answer again, an ACK of a negative answer is consumed. True when
    /// the request was absorbed; false for a new request or an ACK that goes end to end.
    /// </summary>
    public bool TryAbsorb(SipMessage request)
    {
        Span<byte> scratch = stackalloc byte[TransactionKey.StackLimit];
        if (!SipTransactionKeys.TryGetServerKey(request, scratch, out var key) || !ServerTransactions.TryGet(key, out var transaction))
        {
            return false;
        }

        return transaction.ReceiveRequest(request.Method == SipMethod.Ack) != ServerRequestDisposition.PassUp;
    }

    /// <summary>The response context of the INVITE a CANCEL refers to, if this proxy holds it.</summary>
    public ResponseContext? FindCancelled(SipMessage cancel)
    {
        Span<byte> scratch = stackalloc byte[TransactionKey.StackLimit];
        return SipTransactionKeys.TryGetServerKey(cancel, scratch, out var key, cancelledInvite: true)
            && ServerTransactions.TryGet(key, out var invite)
            ? invite.Context as ResponseContext
            : null;
    }

    /// <summary>
    /// Forwards a request statefully to <paramref name="targets"/> (parallel forking when there are
    /// several), answering the caller through <paramref name="upstream"/>. ACKs for 2xx and CANCELs
    /// nobody knows go statelessly to the first target; a CANCEL of a known INVITE is answered 200
    /// and cancels its pending branches (section 16.10). Edits already recorded on the message
    /// (a decremented Max-Forwards, removed Routes) go out on every branch, and
    /// <paramref name="branchHeaders"/> (Record-Route) adds lines that depend on each branch's hop.
    /// </summary>
    public RelayResult Relay(SipMessage request, ITransactionChannel upstream, ReadOnlySpan<RelayTarget> targets, RelayHooks? hooks, uint flags, out RelayError error, IBranchHeaderWriter? branchHeaders = null)
    {
        error = RelayError.None;
        Span<byte> scratch = stackalloc byte[TransactionKey.StackLimit];
        if (!request.IsRequest || !SipTransactionKeys.TryGetServerKey(request, scratch, out var key))
        {
            error = RelayError.BadRequest;
            return RelayResult.Failed;
        }

        var isAck = request.Method == SipMethod.Ack;
        if (ServerTransactions.TryGet(key, out var existing)
            && existing.ReceiveRequest(isAck) != ServerRequestDisposition.PassUp)
        {
            return RelayResult.Absorbed;
        }

        if (request.Method == SipMethod.Cancel && FindCancelled(request) is { } cancelled)
        {
            return AnswerCancel(request, key, upstream, cancelled);
        }

        if (targets.IsEmpty)
        {
            error = RelayError.NoTargets;
            return RelayResult.Failed;
        }

        error = ApplyMaxForwards(request);
        if (error != RelayError.None)
        {
            return RelayResult.Failed;
        }

        if (isAck || request.Method == SipMethod.Cancel)
        {
            return ForwardStatelessly(request, key, targets[0], branchHeaders, out error);
        }

        var copy = CopyForContext(request);
        if (copy is null)
        {
            error = RelayError.BadRequest;
            return RelayResult.Failed;
        }

        var context = new ResponseContext(this, copy, hooks ?? RelayHooks.None, flags, branchHeaders);
        var server = new ServerTransaction(key.ToArray(), request.Method == SipMethod.Invite, upstream, Timers, Wheel, context)
        {
            Context = context,
        };
        context.Server = server;
        if (!ServerTransactions.TryAdd(server.Key, server))
        {
            // Another receive thread filed the same request a moment ago: this one is a retransmission.
            return RelayResult.Absorbed;
        }

        server.AdoptTrace(Telemetry.ProxyTracing.AdoptCurrent());
        error = context.Start(request, targets);
        return error == RelayError.None ? RelayResult.Forwarded : RelayResult.Failed;
    }

    /// <summary>Hands a response to the client transaction of its branch and on to its response context.</summary>
    public ResponseResult ReceiveResponse(SipMessage response)
    {
        Span<byte> scratch = stackalloc byte[TransactionKey.StackLimit];
        if (response.IsRequest || !SipTransactionKeys.TryGetClientKey(response, scratch, out var key))
        {
            return ResponseResult.Malformed;
        }

        if (!ClientTransactions.TryGet(key, out var transaction))
        {
            return ResponseResult.NoTransaction;
        }

        var disposition = transaction.ReceiveResponse(response.StatusCode);
        if (transaction.Context is not ProxyBranch branch || ReferenceEquals(branch.Cancel, transaction))
        {
            // The answer to a CANCEL the proxy sent stays hop by hop.
            return ResponseResult.Handled;
        }

        if (disposition == ClientResponseDisposition.Absorb)
        {
            return ResponseResult.Absorbed;
        }

        branch.Context.OnResponse(branch, response, disposition);
        return ResponseResult.Handled;
    }

    void IServerTransactionUser.OnTerminated(ServerTransaction transaction, TransactionEnd reason)
        => ServerTransactions.Remove(transaction.Key, transaction);

    private RelayResult AnswerCancel(SipMessage cancel, ReadOnlySpan<byte> key, ITransactionChannel upstream, ResponseContext cancelled)
    {
        // The CANCEL gets its own non-INVITE server transaction, so its retransmissions get the 200 again.
        var server = new ServerTransaction(key.ToArray(), isInvite: false, upstream, Timers, Wheel, this);
        if (!ServerTransactions.TryAdd(server.Key, server))
        {
            return RelayResult.Absorbed;
        }

        server.AdoptTrace(Telemetry.ProxyTracing.AdoptCurrent());

        var writer = new ArrayBufferWriter<byte>(512);
        ResponseFactory.Write(writer, cancel, 200, "OK"u8);
        server.SendResponse(200, writer.WrittenSpan);
        cancelled.CancelFromUpstream();
        return RelayResult.Forwarded;
    }

    private RelayResult ForwardStatelessly(SipMessage request, ReadOnlySpan<byte> key, in RelayTarget target, IBranchHeaderWriter? branchHeaders, out RelayError error)
    {
        error = Resolver.TryResolve(target.NextHopUri.Span, out var hop);
        if (error != RelayError.None)
        {
            return RelayResult.Failed;
        }

        // Section 16.11: the branch of a stateless forward is a function of the request, so every
        // retransmission of the ACK gets the same one.
        Span<byte> branch = stackalloc byte[BranchIds.MaxLength];
        var length = BranchIds.Write(key, 0, branch);
        var bytes = ForwardedRequestWriter.WriteBranch(request, target.RequestUri.Span, hop, branch[..length], branchHeaders);
        if (!hop.Channel.Send(bytes))
        {
            error = RelayError.SendFailed;
            return RelayResult.Failed;
        }

        return RelayResult.ForwardedStatelessly;
    }

    /// <summary>
    /// Section 16.6 step 3: one less, or 70 when absent. A value the script already rewrote
    /// (mf_process_maxfwd_header) is left as it is.
    /// </summary>
    private static RelayError ApplyMaxForwards(SipMessage request)
    {
        var index = request.IndexOf(HeaderId.MaxForwards);
        if (index < 0)
        {
            Span<byte> value = stackalloc byte[3];
            DefaultMaxForwards.TryFormat(value, out var written, default, CultureInfo.InvariantCulture);
            SipMessageWriter.AppendHeader(request, "Max-Forwards"u8, value[..written]);
            return RelayError.None;
        }

        var range = request.GetHeader(index).Value;
        if (request.HasEdits && request.Edits.Touches(range.Offset, range.Length))
        {
            return RelayError.None;
        }

        if (!request.TryGetMaxForwards(out var maxForwards))
        {
            return RelayError.None;
        }

        if (maxForwards == 0)
        {
            return RelayError.TooManyHops;
        }

        Span<byte> decremented = stackalloc byte[3];
        (maxForwards - 1).TryFormat(decremented, out var length, default, CultureInfo.InvariantCulture);
        SipMessageWriter.Replace(request, range, decremented[..length]);
        return RelayError.None;
    }

    /// <summary>The request with its edits applied, in its own buffer: the receive buffer goes back to its loop.</summary>
    private static SipMessage? CopyForContext(SipMessage request)
    {
        var bytes = new byte[SipMessageWriter.GetLength(request)];
        var written = SipMessageWriter.Write(request, bytes);
        return SipMessageParser.TryParse(bytes.AsMemory(0, written), out var copy, out _) == SipParseStatus.Ok ? copy : null;
    }
}
