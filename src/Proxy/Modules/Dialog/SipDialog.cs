namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>Where a tracked call stands (RFC 3261 §12: early until a 2xx, then confirmed until BYE).</summary>
public enum DialogState
{
    Early,
    Confirmed,
    Ended,
}

/// <summary>
/// One call from its INVITE to its BYE, as Kamailio's dialog module keeps it: identified by Call-ID and
/// the caller's From tag, named for the outside by <see cref="Id"/> (<c>h_entry:h_id</c>, what the
/// mediaproxy protocol's <c>dialog_id</c> carries). State changes go through <see cref="DialogTracker"/>.
/// </summary>
public sealed class SipDialog
{
    internal SipDialog(uint entry, uint number, string callId, string callerTag, DateTimeOffset created)
    {
        Entry = entry;
        Number = number;
        Id = $"{entry}:{number}";
        CallId = callId;
        CallerTag = callerTag;
        Created = created;
    }

    /// <summary>Kamailio's h_entry: the hash slot of the Call-ID.</summary>
    public uint Entry { get; }

    /// <summary>Kamailio's h_id: a number unique within the slot.</summary>
    public uint Number { get; }

    public string Id { get; }

    public string CallId { get; }

    /// <summary>The From tag of the INVITE that created the dialog.</summary>
    public string CallerTag { get; }

    /// <summary>The To tag of the answer that confirmed it; null while early.</summary>
    public string? CalleeTag { get; internal set; }

    public DateTimeOffset Created { get; }

    public DialogState State { get; internal set; }

    /// <summary>The party that sent the initial INVITE (From tag <see cref="CallerTag"/>).</summary>
    public DialogParty Caller { get; } = new();

    /// <summary>The party that answered it with a 2xx (To tag <see cref="CalleeTag"/>).</summary>
    public DialogParty Callee { get; } = new();

    /// <summary>engage_media_proxy() was called for it: its SDP goes through the relay and its end removes the session.</summary>
    public bool MediaEngaged { get; internal set; }
}
