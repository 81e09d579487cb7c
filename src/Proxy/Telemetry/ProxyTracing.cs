using System.Diagnostics;
using System.Globalization;
using System.Text;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Telemetry;

/// <summary>
/// The proxy's trace spans on one <see cref="ActivitySource"/>. A request gets a span when it
/// reaches the script; when t_relay files a server transaction the transaction adopts the span and
/// ends it with its final response (or when it ends without one), otherwise the span ends with the
/// script, carrying the status of the reply the script sent. Database operations and relay requests
/// made meanwhile are its children. Without a listener (<see cref="TracingExporter"/> off, the
/// default) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and every
/// helper here returns at once, so nothing is allocated per message.
/// </summary>
public static class ProxyTracing
{
    public const string SourceName = "NatEdge.Proxy";

    public const string MethodTag = "sip.method";
    public const string StatusTag = "sip.status_code";
    public const string CallIdHashTag = "sip.call_id.hash";
    public const string NatTag = "natedge.nat";
    public const string RelayTag = "natedge.relay";
    public const string RelayOutcomeTag = "natedge.relay.outcome";
    public const string DatabaseSystemTag = "db.system";

    private const string AdoptedProperty = "natedge.adopted";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts the span of a request about to run through the script; it becomes <see cref="Activity.Current"/>.</summary>
    public static Activity? StartTransaction(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var activity = Source.StartActivity("SIP transaction", ActivityKind.Server);
        if (activity is null)
        {
            return null;
        }

        var method = Encoding.ASCII.GetString(request[request.MethodName]);
        activity.DisplayName = method;
        activity.SetTag(MethodTag, method);
        var callId = request.GetFirstValue(HeaderId.CallId);
        if (callId.IsPresent)
        {
            activity.SetTag(CallIdHashTag, CallIdHash(request[callId]));
        }

        return activity;
    }

    /// <summary>
    /// The script is done with <paramref name="activity"/>: <see cref="Activity.Current"/> goes back to
    /// what it was, and the span ends unless a server transaction adopted it.
    /// </summary>
    public static void EndScript(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.GetCustomProperty(AdoptedProperty) is null)
        {
            activity.Stop();
        }

        Activity.Current = activity.Parent;
    }

    /// <summary>Hands the current request span to the server transaction just filed for it.</summary>
    public static Activity? AdoptCurrent()
    {
        var current = Activity.Current;
        if (current is null || current.Source != Source || current.Kind != ActivityKind.Server)
        {
            return null;
        }

        current.SetCustomProperty(AdoptedProperty, true);
        return current;
    }

    /// <summary>Ends an adopted span with the transaction's final status (0 when it ended without one).</summary>
    public static void EndTransaction(Activity? activity, int statusCode, string? endedWithout)
    {
        if (activity is null)
        {
            return;
        }

        if (statusCode > 0)
        {
            activity.SetTag(StatusTag, statusCode);
        }

        SetOutcome(activity, statusCode, endedWithout);
        activity.Stop();
    }

    /// <summary>A response the script sent statelessly: its status goes on the request's span.</summary>
    public static void ReplySent(ReadOnlySpan<byte> response)
    {
        var current = Activity.Current;
        if (current is null || current.Source != Source || current.Kind != ActivityKind.Server)
        {
            return;
        }

        if (response.Length > 11 && response.StartsWith("SIP/2.0 "u8)
            && int.TryParse(response.Slice(8, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            current.SetTag(StatusTag, status);
            SetOutcome(current, status, null);
        }
    }

    /// <summary>A NAT test of the script ran on the current request.</summary>
    public static void NatTested(bool behindNat)
    {
        if (Activity.Current is { } current && current.Source == Source)
        {
            current.SetTag(NatTag, behindNat);
        }
    }

    /// <summary>A child span for one request to the relay at <paramref name="relay"/>; the request span records the relay chosen.</summary>
    public static Activity? StartRelayRequest(string relay)
    {
        if (Activity.Current is { } parent && parent.Source == Source && parent.Kind == ActivityKind.Server)
        {
            parent.SetTag(RelayTag, relay);
        }

        var activity = Source.StartActivity("relay request", ActivityKind.Client);
        activity?.SetTag(RelayTag, relay);
        return activity;
    }

    public static void EndRelayRequest(Activity? activity, RelayRequestOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(RelayOutcomeTag, MetricLabels.SnakeCase(outcome.ToString()));
        if (outcome != RelayRequestOutcome.Answered)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Stop();
    }

    /// <summary>A child span for one database operation (retries included).</summary>
    public static Activity? StartDatabaseOperation(string system)
    {
        var activity = Source.StartActivity("db operation", ActivityKind.Client);
        activity?.SetTag(DatabaseSystemTag, system);
        return activity;
    }

    /// <summary>A 64-bit FNV-1a of the Call-ID, in hex: calls can be told apart without exporting the identifier.</summary>
    public static string CallIdHash(ReadOnlySpan<byte> callId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in callId)
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static void SetOutcome(Activity activity, int statusCode, string? endedWithout)
    {
        if (endedWithout is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, endedWithout);
        }
        else if (statusCode >= 500)
        {
            // A proxy's own 4xx (a challenge, a lookup that found no one) is a normal answer; 5xx and 6xx are failures.
            activity.SetStatus(ActivityStatusCode.Error, statusCode.ToString(CultureInfo.InvariantCulture));
        }
    }
}
