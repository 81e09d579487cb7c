namespace NatEdge.Proxy.Transactions;

/// <summary>Why a transaction reached the Terminated state.</summary>
public enum TransactionEnd
{
    /// <summary>The exchange finished and its wait timer ran out (Timers D, I, J, K, L, M) or was zero.</summary>
    Completed,

    /// <summary>No final response came (client Timer B or F).</summary>
    Timeout,

    /// <summary>No ACK came for a negative final response (server Timer H).</summary>
    AckTimeout,

    /// <summary>The transport refused a message.</summary>
    TransportError,

    /// <summary>Its owner ended it (shutdown or an abandoned branch).</summary>
    Aborted,
}
