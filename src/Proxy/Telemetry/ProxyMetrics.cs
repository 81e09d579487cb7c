using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using Prometheus;

namespace NatEdge.Proxy.Telemetry;

/// <summary>
/// The proxy's Prometheus series, <c>natedge_proxy_...</c>, in the process's default registry (which
/// <see cref="Hosting.MetricsEndpoint"/> serves). Every labelled child is created here once, indexed by
/// an enum or a status digit, so counting a message is one array read and one interlocked add: no
/// label string is built per message, and exemplars are off (they would copy the current trace ids).
/// Figures that already live in a component (transactions, contacts) are read only when a scrape asks
/// (<see cref="ObserveTransactions"/>, <see cref="ObserveRegistrations"/>).
/// </summary>
public static class ProxyMetrics
{
    /// <summary>Label value of requests whose method the proxy knows only as bytes.</summary>
    public const string OtherMethod = "other";

    private static readonly IMetricFactory Factory = CreateFactory();

    private static readonly LabelledCounter RequestsByMethod = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_requests_received_total", "SIP requests received and parsed, by method.", ["method"]),
        Enum.GetValues<SipMethod>(),
        static method => method == SipMethod.Extension ? OtherMethod : System.Text.Encoding.ASCII.GetString(SipMethods.GetName(method)));

    private static readonly LabelledCounter RepliesByClass = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_replies_sent_total", "SIP responses sent (made here or relayed from downstream), by status class.", ["class"]),
        [1, 2, 3, 4, 5, 6],
        static digit => $"{digit}xx");

    private static readonly LabelledCounter ParseErrorsByReason = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_parse_errors_total", "Received messages refused as malformed (answered 4xx/5xx or dropped), by reason.", ["reason"]),
        Enum.GetValues<SipParseError>(),
        static error => error == SipParseError.None ? null : MetricLabels.SnakeCase(error.ToString()));

    private static readonly Histogram ScriptRunTime = Factory.CreateHistogram(
        "natedge_proxy_script_run_seconds",
        "Time the main route script took per request, from its first statement to its end (relay and database waits included).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 4, 9) });

    private static readonly Counter AuthChallenges = Factory.CreateCounter("natedge_proxy_auth_challenges_total", "Digest challenges sent (401 or 407).");
    private static readonly Counter AuthSuccesses = Factory.CreateCounter("natedge_proxy_auth_successes_total", "Credentials verified against the subscriber table.");
    private static readonly Counter AuthFailures = Factory.CreateCounter("natedge_proxy_auth_failures_total", "Credentials present but refused: wrong, unknown user, stale nonce or malformed.");

    private static readonly LabelledCounter NatPingsByOutcome = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_nat_pings_total", "NAT keepalive pings to registered contacts, by outcome (sent, failed: no socket could send).", ["outcome"]),
        [true, false],
        static sent => sent ? "sent" : "failed");

    private static readonly LabelledCounter RelayRequestsByOutcome = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_relay_requests_total", "Control requests to media relays, by outcome.", ["outcome"]),
        Enum.GetValues<RelayRequestOutcome>(),
        static outcome => MetricLabels.SnakeCase(outcome.ToString()));

    private static readonly LabelledCounter DialogByesByOutcome = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_dialog_byes_total", "BYEs the proxy sent itself to end a dialog whose media the relay reported expired, by outcome (answered: 2xx; refused: another final answer; unanswered: timeout or transport error; unsent: no route to the party).", ["outcome"]),
        Enum.GetValues<DialogByeOutcome>(),
        static outcome => MetricLabels.SnakeCase(outcome.ToString()));

    private static readonly Histogram RelayRoundTrip = Factory.CreateHistogram(
        "natedge_proxy_relay_round_trip_seconds",
        "Time from sending a control request to a relay to its answer (answered requests only).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 4, 8) });

    private static readonly Counter DatabaseOperations = Factory.CreateCounter("natedge_proxy_db_operations_total", "Database operations run (retries inside one operation count once).");

    private static readonly Counter DatabaseBatchedRequests = Factory.CreateCounter(
        "natedge_proxy_db_batched_requests_total",
        "Subscriber lookups and location writes answered by batched database operations; against natedge_proxy_db_operations_total it shows how many requests shared a round trip.");

    private static readonly LabelledCounter DatabaseErrorsByReason = ChildrenOf(
        Factory.CreateCounter("natedge_proxy_db_errors_total", "Database operations that failed, by reason (unavailable: down or too slow; error: the server refused the statement).", ["reason"]),
        [true, false],
        static unavailable => unavailable ? "unavailable" : "error");

    private static readonly Gauge TransactionsActive = Factory.CreateGauge("natedge_proxy_transactions_active", "SIP transactions in the transaction table, by kind (server, client).", ["kind"]);
    private static readonly Gauge RegistrationsActive = Factory.CreateGauge("natedge_proxy_registrations_active", "Unexpired contacts in the location table.");

    public static void RequestReceived(SipMethod method) => RequestsByMethod.Inc((int)method);

    /// <summary>Counts <paramref name="message"/> when it is a response (a status line leads it).</summary>
    public static void MessageSent(ReadOnlySpan<byte> message)
    {
        // "SIP/2.0 " then three digits: the first is the class.
        if (message.Length > 8 && message.StartsWith("SIP/2.0 "u8) && message[8] is >= (byte)'1' and <= (byte)'6')
        {
            RepliesByClass.Inc(message[8] - '1');
        }
    }

    public static void ParseError(SipParseError error) => ParseErrorsByReason.Inc((int)error);

    public static void ScriptRan(TimeSpan elapsed) => ScriptRunTime.Observe(elapsed.TotalSeconds);

    public static void AuthChallenged() => AuthChallenges.Inc();

    public static void AuthVerified(bool accepted) => (accepted ? AuthSuccesses : AuthFailures).Inc();

    public static void NatPinged(bool sent) => NatPingsByOutcome.Inc(sent ? 0 : 1);

    public static void RelayRequested(RelayRequestOutcome outcome, TimeSpan elapsed)
    {
        RelayRequestsByOutcome.Inc((int)outcome);
        if (outcome is RelayRequestOutcome.Answered or RelayRequestOutcome.Refused)
        {
            RelayRoundTrip.Observe(elapsed.TotalSeconds);
        }
    }

    public static void DialogByeEnded(DialogByeOutcome outcome) => DialogByesByOutcome.Inc((int)outcome);

    public static void DatabaseOperationRan() => DatabaseOperations.Inc();

    public static void DatabaseRequestsBatched(int requests) => DatabaseBatchedRequests.Inc(requests);

    public static void DatabaseOperationFailed(bool unavailable) => DatabaseErrorsByReason.Inc(unavailable ? 0 : 1);

    /// <summary>Reads the transaction table's size at every scrape, for the life of the process.</summary>
    public static void ObserveTransactions(Func<(int Server, int Client)> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var server = TransactionsActive.WithLabels("server");
        var client = TransactionsActive.WithLabels("client");
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var (servers, clients) = counts();
            server.Set(servers);
            client.Set(clients);
        });
    }

    /// <summary>Counts the location table's unexpired contacts at every scrape.</summary>
    public static void ObserveRegistrations(Func<CancellationToken, Task<int>> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellation => RegistrationsActive.Set(await count(cancellation).ConfigureAwait(false)));
    }

    /// <summary>
    /// The figures <c>ctl status</c> shows. The scrape-time callbacks run first (as for a scrape), so
    /// the gauges are current rather than as of the last scrape.
    /// </summary>
    public static async Task<ProxyFigures> ReadAsync(CancellationToken cancellationToken)
    {
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return new ProxyFigures(
            RequestsByMethod.NonZero(),
            RepliesByClass.NonZero(),
            (int)TransactionsActive.WithLabels("server").Value,
            (int)TransactionsActive.WithLabels("client").Value,
            (int)RegistrationsActive.Value);
    }

#pragma warning disable CA1859 // Metrics.WithCustomRegistry promises only the interface; the concrete type is its detail.
    private static IMetricFactory CreateFactory()
    {
        var factory = Metrics.WithCustomRegistry(Metrics.DefaultRegistry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        return factory;
    }
#pragma warning restore CA1859

    /// <summary>One child per value, at the value's index (enums here number from 0 with no gaps).</summary>
    private static LabelledCounter ChildrenOf<T>(Counter counter, T[] values, Func<T, string?> label) =>
        new(counter, values.Length, i => label(values[i]));
}
