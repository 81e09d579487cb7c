using NatEdge.MediaRelay.Sessions;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Control;

/// <summary>
/// Turns a decoded control request into the session operation and its reply line (spec §1.2, §9).
/// Every failure is an <c>error</c> reply, counted by reason; nothing here throws to the connection.
/// </summary>
internal sealed class ControlDispatcher
{
    private readonly SessionTable _sessions;
    private readonly string _version;
    private readonly long[] _errors = new long[Enum.GetValues<ControlProtocolError>().Length];
    private readonly ControlRequestCounts _counts = new();
    private long _requests;

    public ControlDispatcher(SessionTable sessions, string version)
    {
        _sessions = sessions;
        _version = version;
    }

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors(ControlProtocolError reason) => Interlocked.Read(ref _errors[(int)reason]);

    public IEnumerable<(ControlProtocolError Reason, long Count)> ErrorCounts()
    {
        foreach (var reason in Enum.GetValues<ControlProtocolError>())
        {
            if (reason != ControlProtocolError.None) yield return (reason, Errors(reason));
        }
    }

    /// <summary>Requests answered so far, by command and outcome.</summary>
    public ControlRequestCounts Counts => _counts;

    public ControlReply Handle(ControlRequest request)
    {
        var reply = Dispatch(request);
        _counts.Count(request.Command, ControlRequestCounts.OutcomeOf(reply.Kind));
        return reply;
    }

    private ControlReply Dispatch(ControlRequest request)
    {
        Interlocked.Increment(ref _requests);
        ControlProtocolError error;
        ControlReply reply;
        try
        {
            switch (request.Command)
            {
                case ControlCommand.Update:
                    reply = _sessions.Update(request, out error);
                    // A dispatcher takes halting as "ask another relay" (spec §3.2); the module protocol only knows error.
                    if (error == ControlProtocolError.ShuttingDown && request.Sequence is not null) reply = ControlReply.Halting();
                    break;
                case ControlCommand.Remove:
                    reply = _sessions.Remove(request, out error, out var statistics);
                    // Over the relay protocol (numbered requests) the answer is the session's statistics (spec §3.2).
                    if (request.Sequence is not null && statistics is not null) reply = ControlReply.FromJson(statistics);
                    break;
                case ControlCommand.Summary:
                    return ControlReply.FromJson(_sessions.SummaryJson(_version), request.Sequence);
                case ControlCommand.Sessions:
                    return ControlReply.FromJson(_sessions.SessionsJson(), request.Sequence);
                default:
                    error = ControlProtocolError.UnknownCommand;
                    reply = ControlReply.Error();
                    break;
            }
        }
#pragma warning disable CA1031 // a bug in one request must not end the connection or the relay
        catch (Exception e)
#pragma warning restore CA1031
        {
            RelayLog.Error($"{ControlRequestWriter.CommandToken(request.Command)} for call {request.CallId} failed: {e}");
            error = ControlProtocolError.InternalError;
            reply = ControlReply.Error();
        }
        if (error != ControlProtocolError.None) Count(error, request.CallId);
        return reply.WithSequence(request.Sequence);
    }

    /// <summary>Call-IDs of the sessions alive now.</summary>
    public HashSet<string> LiveCallIds() => _sessions.LiveCallIds();

    /// <summary>The answer to bytes that did not decode as a request.</summary>
    public ControlReply Reject(ControlProtocolError error)
    {
        Interlocked.Increment(ref _requests);
        Count(error, null);
        _counts.CountUndecodable();
        return ControlReply.Error();
    }

    private void Count(ControlProtocolError error, string? callId)
    {
        Interlocked.Increment(ref _errors[(int)error]);
        var text = $"control request answered error: {ControlProtocolErrors.Describe(error)}{(callId is null ? "" : $" (call {callId})")}";
        switch (error)
        {
            case ControlProtocolError.PortsExhausted:
                break;   // logged where it happens, with the pool's state
            case ControlProtocolError.UnknownSession or ControlProtocolError.NoMediaForNewSession:
                RelayLog.Info(text);   // ordinary for a proxy that ends every failed call
                break;
            default:
                RelayLog.Warn(text);
                break;
        }
    }
}
