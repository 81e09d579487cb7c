namespace NatEdge.Proxy.Transport;

/// <summary>What happened to a message handed to <see cref="SipSender"/>.</summary>
public enum SendOutcome
{
    Sent,

    /// <summary>No listener of that transport and address family exists to send from.</summary>
    NoListener,

    /// <summary>No open connection, and opening one failed (RFC 3261 section 18.2.2 then gives up).</summary>
    ConnectionFailed,

    /// <summary>The OS refused the datagram, or the connection dropped the message.</summary>
    Failed,
}
