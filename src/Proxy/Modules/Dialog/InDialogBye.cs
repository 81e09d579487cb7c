namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// A BYE the proxy sends to one end of a dialog in the name of the other (RFC 3261 section 12.2.1.1 as the
/// other end would build it): Request-URI the target's Contact, Route its route set nearest first, From the
/// other end's identity, To the target's, CSeq the other end's last number plus one. <see cref="NextHop"/> is
/// where it goes: the first Route, else the address the target's messages came from.
/// </summary>
public sealed record InDialogBye(
    string RequestUri,
    IReadOnlyList<string> Route,
    string From,
    string To,
    string CallId,
    long CSeq,
    string NextHop);
