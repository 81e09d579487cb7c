namespace NatEdge.Proxy.Transactions;

/// <summary>What became of a request that matched an existing server transaction.</summary>
public enum ServerRequestDisposition
{
    /// <summary>A retransmission: the last response (if any) was sent again; nothing goes upward.</summary>
    Absorbed,

    /// <summary>The ACK of a negative final answer, consumed hop by hop.</summary>
    AckAbsorbed,

    /// <summary>The transaction does not consume it (an ACK for a 2xx): forward it end to end.</summary>
    PassUp,
}
