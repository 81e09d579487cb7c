using NatEdge.Proxy.Modules.Dialog;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Shared.Control;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// engage_media_proxy() (mediaproxy-protocol.md §1.2): one call in the script, on the initial INVITE,
/// hands the call's media to the relay for its whole life. The dialog tracker follows the call; every
/// later message of it that the proxy sees goes through <see cref="ObserveAsync"/>: SDP in INVITE, ACK,
/// UPDATE, PRACK and in 1xx (not 100) and 2xx replies becomes an <c>update</c> carrying the
/// <c>dialog_id</c>, a 2xx without SDP an <c>update</c> without media (spec §9), and the end of the
/// dialog (BYE, CANCEL, a failed INVITE, <see cref="DialogTracker.End"/>) a <c>remove</c>. Each message
/// also updates what the tracker knows of its sender (<see cref="DialogRecorder"/>), so that with
/// <c>end_expired_calls</c> a call whose relay reports its media expired can be ended with a BYE to both parties.
/// </summary>
public sealed class EngagedMediaSessions
{
    private static readonly Lock RegistrationGate = new();
    private static EngagedMediaSessions[] _registered = [];
    private static DialogTerminator? _terminator;

    private readonly MediaRelayClient _client;
    private readonly uint? _iceCandidatePriority;

    /// <param name="endExpiredCalls">
    /// The <c>end_expired_calls</c> modparam: when a remote relay reports a started call's media expired, BYE
    /// both parties (through <see cref="UseTerminator"/>'s terminator) and end the dialog.
    /// </param>
    public EngagedMediaSessions(DialogTracker dialogs, MediaRelayClient client, uint? iceCandidatePriority = null, bool endExpiredCalls = false)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(client);
        Dialogs = dialogs;
        _client = client;
        _iceCandidatePriority = iceCandidatePriority;
        dialogs.Ended += RemoveSessionAsync;
        if (endExpiredCalls && client.Options.Dispatcher is { } dispatcher)
        {
            dispatcher.SessionExpired += OnSessionExpired;
        }
    }

    public DialogTracker Dialogs { get; }

    /// <summary>The sets bound by the running script; a host feeds each message to <see cref="ObserveAllAsync"/>.</summary>
    public static IReadOnlyList<EngagedMediaSessions> Active => Volatile.Read(ref _registered);

    /// <summary>Whether any script bound engage_media_proxy(): the receive path's one check per message.</summary>
    public static bool AnyEngaged => Volatile.Read(ref _registered).Length > 0;

    /// <summary>
    /// For the proxy's receive path: every request and reply it handles, before the script or the
    /// transaction layer sees it, so an SDP it carries is rewritten before it is forwarded.
    /// </summary>
    public static async ValueTask ObserveAllAsync(SipMessage message, ReceiveInfo received)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var sessions in Volatile.Read(ref _registered))
        {
            await sessions.ObserveAsync(message, MediaSessionCalls.SignalingIp(received), received).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How dialogs are ended from the middle: the host sets it once its sockets and transactions exist. Until
    /// then an expired call's dialog is only forgotten.
    /// </summary>
    public static void UseTerminator(DialogTerminator? terminator) => Volatile.Write(ref _terminator, terminator);

    internal static EngagedMediaSessions Register(EngagedMediaSessions sessions)
    {
        lock (RegistrationGate)
        {
            // Copy on write: readers take the array without a lock.
            Volatile.Write(ref _registered, [.. _registered, sessions]);
        }

        return sessions;
    }

    /// <summary>The script function: starts tracking the INVITE's dialog and sends its offer.</summary>
    public ValueTask<int> EngageAsync(RouteContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SipMessage is not { IsRequest: true, Method: SipMethod.Invite } invite || !TryReadTags(invite, out var callId, out var fromTag, out var toTag) || toTag is not null)
        {
            // Only an initial INVITE starts a dialog; a re-INVITE is already followed.
            return new ValueTask<int>(-1);
        }

        var dialog = Dialogs.GetOrCreate(callId, fromTag!);
        DialogTracker.EngageMedia(dialog);
        DialogRecorder.Record(dialog, invite, context.Received);
        return MediaRequestBuilder.TryGetSdpBody(invite, out _)
            ? MediaSessionCalls.UpdateAsync(invite, MediaSessionCalls.SignalingIp(context.Received), _client, _iceCandidatePriority, dialog.Id)
            : new ValueTask<int>(1);
    }

    /// <summary>
    /// Applies one message of an engaged dialog, received from <paramref name="received"/> when known; false
    /// when the message belongs to no engaged dialog.
    /// </summary>
    public async ValueTask<bool> ObserveAsync(SipMessage message, string signalingIp, ReceiveInfo? received = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryReadTags(message, out var callId, out var fromTag, out var toTag) || Dialogs.Find(callId, fromTag, toTag) is not { MediaEngaged: true } dialog)
        {
            return false;
        }

        DialogRecorder.Record(dialog, message, received);

        if (message.IsRequest)
        {
            await ObserveRequestAsync(message, signalingIp, dialog).ConfigureAwait(false);
        }
        else
        {
            await ObserveReplyAsync(message, signalingIp, dialog, toTag).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask ObserveRequestAsync(SipMessage request, string signalingIp, SipDialog dialog)
    {
        switch (request.Method)
        {
            case SipMethod.Bye:
            case SipMethod.Cancel:
                await Dialogs.End(dialog).ConfigureAwait(false);
                break;
            case SipMethod.Invite or SipMethod.Ack or SipMethod.Update or SipMethod.Prack when MediaRequestBuilder.TryGetSdpBody(request, out _):
                await MediaSessionCalls.UpdateAsync(request, signalingIp, _client, _iceCandidatePriority, dialog.Id).ConfigureAwait(false);
                break;
            default:
                break;
        }
    }

    private async ValueTask ObserveReplyAsync(SipMessage reply, string signalingIp, SipDialog dialog, string? toTag)
    {
        if (!reply.TryGetCSeq(out var cseq) || cseq.Method is not (SipMethod.Invite or SipMethod.Update or SipMethod.Prack))
        {
            return;
        }

        var status = reply.StatusCode;
        if (status >= 300)
        {
            if (cseq.Method == SipMethod.Invite && dialog.State == DialogState.Early)
            {
                await Dialogs.End(dialog).ConfigureAwait(false);
            }

            return;
        }

        if (status is > 100 and < 300 && MediaRequestBuilder.TryGetSdpBody(reply, out _))
        {
            await MediaSessionCalls.UpdateAsync(reply, signalingIp, _client, _iceCandidatePriority, dialog.Id).ConfigureAwait(false);
        }
        else if (status >= 200 && cseq.Method == SipMethod.Invite && MediaRequestBuilder.BuildUpdateWithoutMedia(reply, signalingIp, dialog.Id) is { } update)
        {
            await _client.SendAsync(update).ConfigureAwait(false);
        }

        if (status >= 200 && cseq.Method == SipMethod.Invite)
        {
            DialogTracker.Confirm(dialog, toTag);
        }
    }

    /// <summary>
    /// A relay reported a call's media expired: a call that had started, with media that did not merely move to
    /// another ICE candidate, is ended with a BYE to both parties (spec §2, MediaProxy's <c>dlg_end_dlg</c>),
    /// and its dialog's end sends the <c>remove</c> the dispatcher answers itself. Runs off the relay link's
    /// read loop.
    /// </summary>
    private void OnSessionExpired(Remote.RelaySessionExpiry expiry)
    {
        if (!expiry.TimedOut || Dialogs.Find(expiry.CallId, expiry.FromTag, expiry.ToTag) is not { MediaEngaged: true } dialog)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            Volatile.Read(ref _terminator)?.SendByes(dialog, $"relay {expiry.Relay} reports its media expired");
            await Dialogs.End(dialog).ConfigureAwait(false);
        });
    }

    private ValueTask RemoveSessionAsync(SipDialog dialog)
    {
        if (!dialog.MediaEngaged)
        {
            return ValueTask.CompletedTask;
        }

        var remove = new ControlRequest { Command = ControlCommand.Remove, CallId = dialog.CallId, FromTag = dialog.CallerTag, ToTag = dialog.CalleeTag };
        var pending = MediaSessionCalls.SendRemoveAsync(_client, remove);
        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(pending.AsTask());
    }

    private static bool TryReadTags(SipMessage message, out string callId, out string? fromTag, out string? toTag)
    {
        callId = string.Empty;
        fromTag = null;
        toTag = null;
        if (MediaRequestBuilder.BuildRemove(message) is not { CallId: { } id } identity)
        {
            return false;
        }

        callId = id;
        fromTag = identity.FromTag;
        toTag = identity.ToTag;
        return fromTag is not null;
    }
}
