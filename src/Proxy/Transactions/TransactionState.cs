namespace NatEdge.Proxy.Transactions;

/// <summary>States of RFC 3261 figures 5-8, with RFC 6026's Accepted for INVITE after a 2xx.</summary>
public enum TransactionState
{
    /// <summary>Client INVITE before any response.</summary>
    Calling,

    /// <summary>Non-INVITE before any response.</summary>
    Trying,

    Proceeding,

    /// <summary>INVITE after a 2xx (RFC 6026): 2xx retransmissions pass through, ACKs go end to end.</summary>
    Accepted,

    Completed,

    /// <summary>Server INVITE after the ACK of a negative answer.</summary>
    Confirmed,

    Terminated,
}
