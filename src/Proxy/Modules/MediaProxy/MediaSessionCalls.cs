using System.Net;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// The relay operations the script functions share (use_media_proxy, end_media_session,
/// engage_media_proxy, force_rtp_proxy, unforce_rtp_proxy): ask for ports and rewrite the SDP, or end
/// the session. Each returns SER's code: 1 done, -1 failed (no SDP, relay down or slow, relay said error).
/// </summary>
internal static class MediaSessionCalls
{
    /// <summary>SER's L_ERR.</summary>
    private const int ErrorLevel = -1;

    public static ValueTask<int> UpdateAsync(RouteContext context, MediaRelayClient client, uint? iceCandidatePriority, string? dialogId = null) =>
        context.SipMessage is { } message
            ? UpdateAsync(message, SignalingIp(context.Received), client, iceCandidatePriority, dialogId, context.Log)
            : new ValueTask<int>(-1);

    /// <summary>Sends the message's SDP as an <c>update</c> and rewrites it with the relay's answer (spec §1.2, §1.5).</summary>
    public static ValueTask<int> UpdateAsync(SipMessage message, string signalingIp, MediaRelayClient client, uint? iceCandidatePriority, string? dialogId = null, IScriptLog? log = null)
    {
        if (!CarriesOffersOrAnswers(message))
        {
            return new ValueTask<int>(-1);
        }

        if (message.IsRequest && message.Method == SipMethod.Ack && !MediaRequestBuilder.TryGetSdpBody(message, out _))
        {
            // An ACK without a body carries no answer: nothing to relay (route-script.md section 5).
            return new ValueTask<int>(1);
        }

        var error = MediaRequestBuilder.TryBuildUpdate(message, signalingIp, dialogId, out var request, out var sdp);
        return error != MediaRequestError.None ? new ValueTask<int>(-1) : SendAndRewriteAsync(message, client, request!, sdp!, iceCandidatePriority, log);
    }

    /// <summary>Sends <c>remove</c> for the message's dialog; any answer counts as done (spec §1.2).</summary>
    public static ValueTask<int> RemoveAsync(RouteContext context, MediaRelayClient client) =>
        context.SipMessage is { } message && MediaRequestBuilder.BuildRemove(message) is { } request
            ? SendRemoveAsync(client, request, context.Log)
            : new ValueTask<int>(-1);

    public static async ValueTask<int> SendRemoveAsync(MediaRelayClient client, ControlRequest request, IScriptLog? log = null)
    {
        var result = await client.SendAsync(request).ConfigureAwait(false);
        if (!result.IsAnswered)
        {
            log?.Write(ErrorLevel, $"mediaproxy: remove of {request.CallId} failed: {result.Detail}\n");
            return -1;
        }

        return 1;
    }

    /// <summary>The packet's source address, the module's <c>signaling_ip</c> when no AVP sets one (spec §1.4).</summary>
    public static string SignalingIp(in ReceiveInfo received) =>
        received.Source is null ? "unknown" : new IPAddress(received.SourceAddressBytes).ToString();

    private static async ValueTask<int> SendAndRewriteAsync(SipMessage message, MediaRelayClient client, ControlRequest request, SdpIndex sdp, uint? iceCandidatePriority, IScriptLog? log)
    {
        var result = await client.SendAsync(request).ConfigureAwait(false);
        if (!result.IsMedia)
        {
            log?.Write(ErrorLevel, result.IsAnswered
                ? $"mediaproxy: the relay answered error to the update of {request.CallId}\n"
                : $"mediaproxy: update of {request.CallId} failed: {result.Detail}\n");
            return -1;
        }

        var rewrite = MediaSdpEditor.Apply(message, sdp, result.Reply!, iceCandidatePriority);
        if (rewrite is SdpRewriteResult.InsufficientPorts)
        {
            log?.Write(ErrorLevel, $"mediaproxy: the relay gave fewer ports than {request.CallId} has streams\n");
        }

        return rewrite is SdpRewriteResult.Rewritten or SdpRewriteResult.RewrittenWithExtraStreams ? 1 : -1;
    }

    /// <summary>Requests that may carry an offer or answer (INVITE, ACK, UPDATE, PRACK), and every reply.</summary>
    private static bool CarriesOffersOrAnswers(SipMessage message) =>
        message.IsResponse || message.Method is SipMethod.Invite or SipMethod.Ack or SipMethod.Update or SipMethod.Prack;
}
