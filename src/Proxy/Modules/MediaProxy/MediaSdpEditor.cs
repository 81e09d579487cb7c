using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// Applies a relay's answer to the SDP of a SIP message (spec §1.5) as splices on the message's
/// edits, shifted by the body's offset, and keeps Content-Length in step with the new body length.
/// </summary>
public static class MediaSdpEditor
{
    public static SdpRewriteResult Apply(SipMessage message, SdpIndex sdp, ControlReply reply, uint? iceCandidatePriority = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sdp);
        ArgumentNullException.ThrowIfNull(reply);
        var bodyRange = message.Body;
        var body = message[bodyRange];
        var splices = new List<SdpSplice>();
        var result = SdpRewriter.Rewrite(body, sdp, reply, new SdpRewriteOptions(message.IsResponse, iceCandidatePriority), splices);
        if (result is SdpRewriteResult.InsufficientPorts or SdpRewriteResult.RelayError || splices.Count == 0)
        {
            return result;
        }

        foreach (var splice in splices)
        {
            message.Edits.Replace(bodyRange.Offset + splice.Offset, splice.Length, splice.Replacement.Span);
        }

        SetContentLength(message, SdpSplices.OutputLength(body.Length, splices));
        return result;
    }

    private static void SetContentLength(SipMessage message, int length)
    {
        Span<byte> digits = stackalloc byte[11];
        length.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        var index = message.IndexOf(HeaderId.ContentLength);
        if (index < 0)
        {
            SipMessageWriter.AppendHeader(message, "Content-Length"u8, digits[..written]);
            return;
        }

        SipMessageWriter.Replace(message, message.GetHeader(index).Value, digits[..written]);
    }
}
