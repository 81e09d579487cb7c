namespace NatEdge.Proxy.Transactions;

/// <summary>What the transaction user must do with a response its client transaction received.</summary>
public enum ClientResponseDisposition
{
    /// <summary>Pass it to the user (provisional, first final, or a 2xx retransmission while Accepted).</summary>
    Deliver,

    /// <summary>
    /// First negative final answer to an INVITE: pass it on and give the transaction the hop-by-hop
    /// ACK (<see cref="ClientTransaction.SendAck"/>), which it also resends for each retransmission.
    /// </summary>
    DeliverAndAcknowledge,

    /// <summary>A retransmission, or a response after the end: drop it.</summary>
    Absorb,
}
