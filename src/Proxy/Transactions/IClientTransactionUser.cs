namespace NatEdge.Proxy.Transactions;

/// <summary>
/// What a client transaction reports on its own (timers, transport); responses are not reported
/// here but returned by <see cref="ClientTransaction.ReceiveResponse"/>. Called outside the lock.
/// </summary>
public interface IClientTransactionUser
{
    /// <summary>
    /// The proxy's Timer C ran out on an INVITE branch (RFC 3261 section 16.6 step 11 and 16.8):
    /// with a provisional answer received the branch is cancelled, otherwise it counts as a 408.
    /// </summary>
    void OnTimerC(ClientTransaction transaction);

    /// <summary>
    /// The transaction is over. <see cref="TransactionEnd.Timeout"/> (Timer B or F) and
    /// <see cref="TransactionEnd.TransportError"/> without a final response mean the user must
    /// act as if a 408 or 503 had come (RFC 3261 sections 16.7 and 16.8).
    /// <see cref="TransactionEnd.Completed"/> follows a final response; on a reliable transport,
    /// where Timers D and K are zero, it is reported while that response is being received, before
    /// <see cref="ClientTransaction.ReceiveResponse"/> returns it.
    /// </summary>
    void OnTerminated(ClientTransaction transaction, TransactionEnd reason);
}
