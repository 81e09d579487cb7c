namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>What <see cref="StatefulProxy.Relay"/> did with a request.</summary>
public enum RelayResult
{
    /// <summary>A transaction was created (or a CANCEL applied) and at least one branch sent.</summary>
    Forwarded,

    /// <summary>Forwarded without a transaction: an ACK for a 2xx, a CANCEL nobody knows.</summary>
    ForwardedStatelessly,

    /// <summary>It belonged to an existing transaction, which dealt with it (retransmission, hop-by-hop ACK).</summary>
    Absorbed,

    /// <summary>Nothing was sent; see the <see cref="RelayError"/>.</summary>
    Failed,
}

/// <summary>What <see cref="StatefulProxy.ReceiveResponse"/> did with a response.</summary>
public enum ResponseResult
{
    /// <summary>It matched a branch and was handled (forwarded, stored as a candidate, or used to finish).</summary>
    Handled,

    /// <summary>It matched a branch but was a retransmission or came too late.</summary>
    Absorbed,

    /// <summary>No client transaction has its branch: the caller may forward it statelessly (RFC 3261 16.7 step 1 for late 2xx).</summary>
    NoTransaction,

    /// <summary>No usable top Via or CSeq.</summary>
    Malformed,
}
