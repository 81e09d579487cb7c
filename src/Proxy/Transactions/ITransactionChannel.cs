namespace NatEdge.Proxy.Transactions;

/// <summary>
/// Where a transaction sends: for a server transaction the way back to the previous hop, for a
/// client transaction the next hop. The transport layer implements it; the transaction layer never
/// sees sockets. Send is called under the transaction's lock, so it must not block for long nor
/// call back into the transaction.
/// </summary>
public interface ITransactionChannel
{
    /// <summary>TCP and TLS: the RFC's retransmission timers do not run and wait timers are zero.</summary>
    bool IsReliable { get; }

    /// <summary>
    /// Hands one whole message to the transport; false when it could not be sent. The memory is
    /// owned by the transaction and never changes, so a send that completes later may keep it.
    /// </summary>
    bool Send(ReadOnlyMemory<byte> message);
}
