using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Telemetry;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// Ends a confirmed dialog from the middle, as Kamailio's <c>dlg_end_dlg</c> does: a BYE to each party in the
/// name of the other (<see cref="InDialogByePlanner"/>). With a transaction layer each BYE is a client
/// transaction of its own, so it is retransmitted (Timer E) and given up after Timer F; the answer goes no
/// further. Without one (a script that does not load tm) each BYE is sent once. Thread-safe.
/// </summary>
public sealed class DialogTerminator : IClientTransactionUser
{
    private readonly INextHopResolver _resolver;
    private readonly LocalUriTest _isLocal;
    private readonly StatefulProxy? _transactions;
    private readonly ILogger _logger;

    public DialogTerminator(INextHopResolver resolver, LocalUriTest isLocal, StatefulProxy? transactions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(isLocal);
        ArgumentNullException.ThrowIfNull(logger);
        _resolver = resolver;
        _isLocal = isLocal;
        _transactions = transactions;
        _logger = logger;
    }

    /// <summary>Sends the BYE to the callee and to the caller; returns how many went out.</summary>
    public int SendByes(SipDialog dialog, string reason)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (dialog.State != DialogState.Confirmed)
        {
            DialogLog.NotConfirmed(_logger, dialog.Id, dialog.CallId);
            return 0;
        }

        DialogLog.Ending(_logger, dialog.Id, dialog.CallId, reason);
        var sent = 0;
        foreach (var towardCallee in (ReadOnlySpan<bool>)[true, false])
        {
            if (InDialogByePlanner.Plan(dialog, towardCallee, _isLocal) is not { } bye)
            {
                DialogLog.ByeNotSent(_logger, dialog.CallId, towardCallee ? "the callee" : "the caller", "that party's Contact or tag was never seen");
                ProxyMetrics.DialogByeEnded(DialogByeOutcome.Unsent);
                continue;
            }

            if (Send(bye))
            {
                sent++;
            }
        }

        return sent;
    }

    void IClientTransactionUser.OnTimerC(ClientTransaction transaction)
    {
        // BYE is not an INVITE: Timer C never runs for it.
    }

    void IClientTransactionUser.OnTerminated(ClientTransaction transaction, TransactionEnd reason)
    {
        _transactions?.ClientTransactions.Remove(transaction.Key, transaction);
        if (transaction.Context is not InDialogBye bye)
        {
            return;
        }

        if (transaction.IsFinal)
        {
            DialogLog.ByeAnswered(_logger, bye.CallId, bye.RequestUri, transaction.LastStatusCode);
            ProxyMetrics.DialogByeEnded(transaction.LastStatusCode < 300 ? DialogByeOutcome.Answered : DialogByeOutcome.Refused);
        }
        else
        {
            DialogLog.ByeUnanswered(_logger, bye.CallId, bye.RequestUri, reason.ToString());
            ProxyMetrics.DialogByeEnded(DialogByeOutcome.Unanswered);
        }
    }

    private bool Send(InDialogBye bye)
    {
        var error = _resolver.TryResolve(Encoding.UTF8.GetBytes(bye.NextHop), out var hop);
        if (error != RelayError.None)
        {
            DialogLog.ByeNotSent(_logger, bye.CallId, bye.RequestUri, $"no next hop for {bye.NextHop} ({error})");
            ProxyMetrics.DialogByeEnded(DialogByeOutcome.Unsent);
            return false;
        }

        var branch = NewBranch();
        var bytes = InDialogByeWriter.Write(bye, hop.ViaTransport.Span, hop.ViaSentBy.Span, branch);
        if (_transactions is null)
        {
            var sent = hop.Channel.Send(bytes);
            LogSent(bye, sent);
            return sent;
        }

        Span<byte> scratch = stackalloc byte[Transactions.TransactionKey.StackLimit];
        if (!SipTransactionKeys.TryWriteClientKey("BYE"u8, Encoding.ASCII.GetBytes(branch), scratch, out var key))
        {
            DialogLog.ByeNotSent(_logger, bye.CallId, bye.RequestUri, "no transaction key");
            ProxyMetrics.DialogByeEnded(DialogByeOutcome.Unsent);
            return false;
        }

        var transaction = new ClientTransaction(key.ToArray(), isInvite: false, hop.Channel, _transactions.Timers, _transactions.Wheel, this, runTimerC: false)
        {
            Context = bye,
        };
        _transactions.ClientTransactions.TryAdd(transaction.Key, transaction);
        LogSent(bye, true);

        // A refused send terminates the transaction at once, which counts it unanswered.
        return transaction.Start(bytes);
    }

    private void LogSent(InDialogBye bye, bool sent)
    {
        if (sent)
        {
            DialogLog.ByeSent(_logger, bye.CallId, bye.RequestUri, bye.NextHop, bye.CSeq);
        }
        else
        {
            DialogLog.ByeNotSent(_logger, bye.CallId, bye.RequestUri, "the socket refused it");
            ProxyMetrics.DialogByeEnded(DialogByeOutcome.Unsent);
        }
    }

    /// <summary>The magic cookie and 64 random bits: unique in space and time (RFC 3261 section 8.1.1.7).</summary>
    private static string NewBranch()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return "z9hG4bK" + Convert.ToHexStringLower(random);
    }
}
