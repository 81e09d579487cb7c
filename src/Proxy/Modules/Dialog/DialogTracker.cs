using System.Collections.Concurrent;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// The calls the proxy follows (Kamailio's dialog module, as far as engage_media_proxy needs it):
/// created by an initial INVITE, confirmed by its 2xx, ended by BYE, by a final failure of the
/// INVITE, by <see cref="End"/> (the relay reporting dead media) or by <see cref="Timeout"/>.
/// Whoever ends a dialog runs its <see cref="Ended"/> handlers once. Thread-safe: the table is a
/// concurrent map and each dialog's state changes under its own lock.
/// </summary>
public sealed class DialogTracker
{
    /// <summary>Kamailio's dialog hash_size default.</summary>
    public const int HashSize = 4096;

    /// <summary>Kamailio's dialog default_timeout: 43200 s (12 h).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<(string CallId, string CallerTag), SipDialog> _byCall = new();
    private readonly ConcurrentDictionary<string, SipDialog> _byId = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _nextNumber;
    private long _lastSweepTicks;

    public DialogTracker(TimeProvider time, TimeSpan? timeout = null)
    {
        _time = time;
        Timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>A dialog older than this is ended on the next sweep (a lost BYE must not leak it).</summary>
    public TimeSpan Timeout { get; }

    public int Count => _byCall.Count;

    /// <summary>Runs once for every dialog that ends, whatever ended it.</summary>
    public event Func<SipDialog, ValueTask>? Ended;

    /// <summary>The dialog of an initial INVITE; the same one for its retransmissions.</summary>
    public SipDialog GetOrCreate(string callId, string callerTag)
    {
        SweepIfDue();
        return _byCall.GetOrAdd((callId, callerTag), static (key, tracker) => tracker.Create(key.CallId, key.CallerTag), this);
    }

    /// <summary>
    /// The dialog a message belongs to, whichever side sent it: its From tag is the caller's (a request
    /// from the caller, or any reply) or its To tag is (a request from the callee).
    /// </summary>
    public SipDialog? Find(string callId, string? fromTag, string? toTag)
    {
        if (fromTag is not null && _byCall.TryGetValue((callId, fromTag), out var dialog))
        {
            return dialog;
        }

        return toTag is not null && _byCall.TryGetValue((callId, toTag), out dialog) ? dialog : null;
    }

    public SipDialog? FindById(string id) => _byId.TryGetValue(id, out var dialog) ? dialog : null;

    /// <summary>A 2xx to the INVITE: the dialog is confirmed with the callee's tag.</summary>
    public static void Confirm(SipDialog dialog, string? calleeTag)
    {
        lock (dialog)
        {
            if (dialog.State == DialogState.Early)
            {
                dialog.State = DialogState.Confirmed;
                dialog.CalleeTag = calleeTag;
            }
        }
    }

    /// <summary>Marks the dialog as relayed by the media relay.</summary>
    public static void EngageMedia(SipDialog dialog)
    {
        lock (dialog)
        {
            dialog.MediaEngaged = true;
        }
    }

    /// <summary>Ends the dialog (BYE, failed INVITE, or an operator or relay asking); false when it had already ended.</summary>
    public ValueTask<bool> End(SipDialog dialog)
    {
        lock (dialog)
        {
            if (dialog.State == DialogState.Ended)
            {
                return new ValueTask<bool>(false);
            }

            dialog.State = DialogState.Ended;
        }

        _byCall.TryRemove((dialog.CallId, dialog.CallerTag), out _);
        _byId.TryRemove(dialog.Id, out _);
        return Ended is null ? new ValueTask<bool>(true) : RunEndedAsync(dialog);
    }

    /// <summary>Ends every dialog older than <see cref="Timeout"/>; returns how many.</summary>
    public async ValueTask<int> ExpireAsync()
    {
        var now = _time.GetUtcNow();
        var ended = 0;
        foreach (var dialog in _byCall.Values)
        {
            if (now - dialog.Created >= Timeout && await End(dialog).ConfigureAwait(false))
            {
                ended++;
            }
        }

        return ended;
    }

    private SipDialog Create(string callId, string callerTag)
    {
        var entry = (uint)StringComparer.Ordinal.GetHashCode(callId) % HashSize;
        var number = (uint)Interlocked.Increment(ref _nextNumber);
        var dialog = new SipDialog(entry, number, callId, callerTag, _time.GetUtcNow());
        _byId[dialog.Id] = dialog;
        return dialog;
    }

    private async ValueTask<bool> RunEndedAsync(SipDialog dialog)
    {
        foreach (var handler in Ended!.GetInvocationList().Cast<Func<SipDialog, ValueTask>>())
        {
            await handler(dialog).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>At most one sweep a minute, started by the dialogs being created rather than a timer thread.</summary>
    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (_time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _lastSweepTicks, now, last) != last)
        {
            return;
        }

        var pending = ExpireAsync();
        if (!pending.IsCompleted)
        {
            _ = pending.AsTask();
        }
    }
}
