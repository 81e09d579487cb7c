namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>Why a request could not be relayed; the script maps it to sl_reply_error's reply.</summary>
public enum RelayError
{
    None,

    /// <summary>No address for the next hop (SER: 478).</summary>
    Unresolvable,

    /// <summary>The target URI cannot be parsed (SER: 479).</summary>
    BadUri,

    /// <summary>The transport refused every branch (SER: 477).</summary>
    SendFailed,

    /// <summary>Max-Forwards was zero (RFC 3261 section 16.3 step 3: 483).</summary>
    TooManyHops,

    /// <summary>The request lacks what a transaction needs: a top Via, CSeq, From (400).</summary>
    BadRequest,

    /// <summary>No target was given.</summary>
    NoTargets,
}
