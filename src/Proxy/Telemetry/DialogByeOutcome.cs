namespace NatEdge.Proxy.Telemetry;

/// <summary>How a BYE the proxy sent itself to end a dialog ended (<c>natedge_proxy_dialog_byes_total</c>).</summary>
public enum DialogByeOutcome
{
    /// <summary>The party answered 2xx.</summary>
    Answered,
    /// <summary>The party answered with another final status (481 when it had forgotten the dialog).</summary>
    Refused,
    /// <summary>No final answer: Timer F ran out, or the transport failed.</summary>
    Unanswered,
    /// <summary>It could not be sent: no next hop for the party, or the socket refused it.</summary>
    Unsent,
}
