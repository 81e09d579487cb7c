namespace NatEdge.Shared.Security;

/// <summary>
/// Which end of the relay link (mediaproxy-protocol.md section 3.1) a certificate is for. The proxy's
/// dispatcher accepts TLS connections, so it is the TLS server; relays dial it, so they are TLS clients.
/// </summary>
public enum RelayLinkRole
{
    /// <summary>The proxy's dispatcher listener: extended key usage serverAuth.</summary>
    Dispatcher,
    /// <summary>A media relay dialling a dispatcher: extended key usage clientAuth.</summary>
    Relay,
}
