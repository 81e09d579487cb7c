namespace NatEdge.Proxy.Transactions;

/// <summary>What a server transaction reports upward; called outside the transaction's lock.</summary>
public interface IServerTransactionUser
{
    /// <summary>The transaction is over; its owner removes it from the table.</summary>
    void OnTerminated(ServerTransaction transaction, TransactionEnd reason);
}
