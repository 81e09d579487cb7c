namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// One end of a dialog as the proxy learnt it from the messages that end sent: what a request the proxy
/// makes toward that end needs (RFC 3261 section 12.2.1.1), as Kamailio's dialog module keeps
/// <c>from_contact</c>, <c>from_route</c>, <c>from_cseq</c> and their <c>to_</c> twins. Written by
/// <see cref="DialogRecorder"/> and read by <see cref="InDialogByePlanner"/>, both under the dialog's lock.
/// </summary>
public sealed class DialogParty
{
    /// <summary>The party's own From (caller) or To (callee) header value, tag included, as it wrote it.</summary>
    public string? Identity { get; internal set; }

    /// <summary>The party's remote target: the URI of the Contact in its INVITE or in its 2xx (sections 12.1.1, 12.1.2).</summary>
    public string? Contact { get; internal set; }

    /// <summary>
    /// The Record-Route values, top first, of the message that fixed the route set: the initial INVITE for
    /// the caller (only the proxies before this one had added theirs), the 2xx for the callee (all of them).
    /// </summary>
    public IReadOnlyList<string> RecordRoute { get; internal set; } = [];

    /// <summary>The highest CSeq number of a request the party sent in the dialog; -1 before any (section 12.2.1.1).</summary>
    public long LastCSeq { get; internal set; } = -1;

    /// <summary>
    /// Where the party's last message came from, as a URI (<c>sip:IP:PORT</c>, <c>;transport=tcp</c> over
    /// TCP): behind a NAT that is the only address that reaches it, whatever its Contact says.
    /// </summary>
    public string? Source { get; internal set; }
}
