using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>Why a SIP message gave no <c>update</c> request.</summary>
public enum MediaRequestError
{
    None,
    /// <summary>No body, or a body that is not <c>application/sdp</c> (the module's -2).</summary>
    NoSdp,
    /// <summary>The SDP could not be indexed (more than 32 streams, a multicast address, a broken line).</summary>
    BadSdp,
    /// <summary>Call-ID, CSeq or From is missing or unparsable.</summary>
    MissingDialogHeaders,
}

/// <summary>
/// Builds the module's control requests from a parsed SIP message (mediaproxy-protocol.md §1.2, §1.3):
/// <c>update</c> with the dialog's identity and one <c>media</c> entry per supported m-line, and
/// <c>remove</c> with Call-ID and tags.
/// </summary>
public static class MediaRequestBuilder
{
    /// <summary>What the module writes when the message has neither User-Agent nor Server.</summary>
    public const string UnknownAgent = "unknown agent";

    /// <summary>What the module writes for a missing From or To URI.</summary>
    public const string UnknownUri = "unknown";

    /// <param name="message">A request or reply carrying SDP.</param>
    /// <param name="signalingIp">The <c>$avp(s:signaling_ip)</c> value, else the packet's source address (spec §1.4).</param>
    /// <param name="dialogId">The dialog's <c>h_entry:h_id</c> when a dialog tracks the call, else null.</param>
    public static MediaRequestError TryBuildUpdate(SipMessage message, string signalingIp, string? dialogId, out ControlRequest? request, out SdpIndex? sdp)
    {
        ArgumentNullException.ThrowIfNull(message);
        request = null;
        sdp = null;
        if (!TryGetSdpBody(message, out var body))
        {
            return MediaRequestError.NoSdp;
        }

        if (SdpIndex.TryParse(body, out sdp) != SdpParseError.None || sdp is null)
        {
            return MediaRequestError.BadSdp;
        }

        request = Update(message, signalingIp, dialogId, sdp.ToMediaStreams(body));
        return request is null ? MediaRequestError.MissingDialogHeaders : MediaRequestError.None;
    }

    /// <summary>
    /// An <c>update</c> without <c>media</c>, for a 2xx without SDP in a dialog the relay already knows
    /// (spec §9); null when the dialog headers are missing.
    /// </summary>
    public static ControlRequest? BuildUpdateWithoutMedia(SipMessage message, string signalingIp, string? dialogId)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Update(message, signalingIp, dialogId, media: null);
    }

    private static ControlRequest? Update(SipMessage message, string signalingIp, string? dialogId, IReadOnlyList<MediaStreamDescription>? media)
    {
        if (!TryReadDialog(message, out var callId, out var fromTag, out var toTag) || !message.TryGetCSeq(out var cseq))
        {
            return null;
        }

        return new ControlRequest
        {
            Command = ControlCommand.Update,
            Type = message.IsRequest ? SdpMessageType.Request : SdpMessageType.Reply,
            DialogId = dialogId,
            CallId = callId,
            CSeq = cseq.Number,
            FromUri = ModuleUri(message, HeaderId.From),
            ToUri = ModuleUri(message, HeaderId.To),
            FromTag = fromTag,
            ToTag = toTag,
            UserAgent = UserAgent(message),
            SignalingIp = signalingIp,
            Media = media,
        };
    }

    /// <summary>The <c>remove</c> of the message's dialog; null when Call-ID or From tag is missing.</summary>
    public static ControlRequest? BuildRemove(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TryReadDialog(message, out var callId, out var fromTag, out var toTag)
            ? new ControlRequest { Command = ControlCommand.Remove, CallId = callId, FromTag = fromTag, ToTag = toTag }
            : null;
    }

    /// <summary>The body, when there is one and Content-Type is absent or <c>application/sdp</c>.</summary>
    public static bool TryGetSdpBody(SipMessage message, out ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(message);
        body = message.Body.IsPresent ? message[message.Body] : default;
        if (body.IsEmpty)
        {
            return false;
        }

        var type = message.GetFirstValue(HeaderId.ContentType);
        if (!type.IsPresent)
        {
            return true;
        }

        var value = message[type].Trim(" \t"u8);
        var end = value.IndexOf((byte)';');
        var mediaType = (end < 0 ? value : value[..end]).TrimEnd(" \t"u8);
        return Ascii.EqualsIgnoreCase(mediaType, "application/sdp"u8);
    }

    private static bool TryReadDialog(SipMessage message, out string callId, out string? fromTag, out string? toTag)
    {
        callId = string.Empty;
        fromTag = null;
        toTag = null;
        var callIdRange = message.CallId;
        if (!callIdRange.IsPresent || callIdRange.IsEmpty || !message.TryGetFrom(out var from))
        {
            return false;
        }

        callId = Text(message[callIdRange].Trim(" \t"u8));
        fromTag = from.Tag.IsPresent && !from.Tag.IsEmpty ? Text(message[from.Tag]) : null;
        toTag = message.TryGetTo(out var to) && to.Tag.IsPresent && !to.Tag.IsEmpty ? Text(message[to.Tag]) : null;
        return true;
    }

    /// <summary>The URI without its leading <c>sip:</c> and cut at the first ';' (spec §1.2), else <c>unknown</c>.</summary>
    private static string ModuleUri(SipMessage message, HeaderId id)
    {
        var found = id == HeaderId.From ? message.TryGetFrom(out var nameAddr) : message.TryGetTo(out nameAddr);
        if (!found || !nameAddr.Uri.IsPresent || nameAddr.Uri.IsEmpty)
        {
            return UnknownUri;
        }

        var uri = message[nameAddr.Uri];
        if (uri.Length >= 4 && Ascii.EqualsIgnoreCase(uri[..4], "sip:"u8))
        {
            uri = uri[4..];
        }

        var parameters = uri.IndexOf((byte)';');
        return Text(parameters < 0 ? uri : uri[..parameters]);
    }

    private static string UserAgent(SipMessage message)
    {
        var agent = message.GetFirstValue(HeaderId.UserAgent);
        if (!agent.IsPresent || agent.IsEmpty)
        {
            agent = message.GetFirstValue(HeaderId.Server);
        }

        return agent.IsPresent && !agent.IsEmpty ? Text(message[agent].Trim(" \t"u8)) : UnknownAgent;
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

}
