namespace NatEdge.Shared.Control;

/// <summary>Whether the SDP of an <c>update</c> came in a SIP request or a SIP reply (spec §1.2 <c>type</c>).</summary>
public enum SdpMessageType
{
    Request,
    Reply,
}

/// <summary>
/// A decoded control request (spec §1.2, §3.2). Headers the sender left empty are absent (null):
/// the dispatcher rule drops every line ending in ": ". Header order on the wire is irrelevant.
/// </summary>
public sealed class ControlRequest
{
    public required ControlCommand Command { get; init; }

    /// <summary>The relay-protocol sequence number (<c>update 41</c>, spec §3.2); null on the module protocol.</summary>
    public long? Sequence { get; init; }

    public SdpMessageType? Type { get; init; }
    public string? DialogId { get; init; }
    public string? CallId { get; init; }
    public long? CSeq { get; init; }
    public string? FromUri { get; init; }
    public string? ToUri { get; init; }
    public string? FromTag { get; init; }
    public string? ToTag { get; init; }
    public string? UserAgent { get; init; }
    public string? SignalingIp { get; init; }
    public string? MediaRelay { get; init; }

    /// <summary>The streams of the <c>media</c> header; null when the header is absent (a 200 OK without SDP).</summary>
    public IReadOnlyList<MediaStreamDescription>? Media { get; init; }

    /// <summary>The same request numbered for the relay protocol (spec §3.2), or unnumbered with null.</summary>
    public ControlRequest WithSequence(long? sequence) => new()
    {
        Command = Command,
        Sequence = sequence,
        Type = Type,
        DialogId = DialogId,
        CallId = CallId,
        CSeq = CSeq,
        FromUri = FromUri,
        ToUri = ToUri,
        FromTag = FromTag,
        ToTag = ToTag,
        UserAgent = UserAgent,
        SignalingIp = SignalingIp,
        MediaRelay = MediaRelay,
        Media = Media,
    };

    /// <summary>
    /// The relay's mandatory-header rule (spec §3.2): <c>update</c> needs call_id, from_tag, from_uri, to_uri,
    /// cseq, user_agent and type; <c>remove</c> needs call_id and from_tag.
    /// </summary>
    public ControlProtocolError CheckMandatoryHeaders()
    {
        switch (Command)
        {
            case ControlCommand.Update:
                if (CallId is null) return ControlProtocolError.MissingCallId;
                if (FromTag is null || FromUri is null || ToUri is null || CSeq is null || UserAgent is null || Type is null)
                    return ControlProtocolError.MissingMandatoryHeader;
                return ControlProtocolError.None;
            case ControlCommand.Remove:
                if (CallId is null) return ControlProtocolError.MissingCallId;
                return FromTag is null ? ControlProtocolError.MissingMandatoryHeader : ControlProtocolError.None;
            default:
                return ControlProtocolError.None;
        }
    }
}
