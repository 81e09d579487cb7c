using System.Globalization;
using NatEdge.MediaRelay.Control;
using NatEdge.MediaRelay.Ports;
using NatEdge.MediaRelay.Sessions;
using Prometheus;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>
/// The relay's Prometheus series. Nothing here runs per packet: a collect callback copies the plain counters of
/// the session table, the port allocator and the dispatcher into the instruments just before each scrape.
/// </summary>
internal sealed class RelayMetrics
{
    private const string FromCaller = "caller_to_callee";
    private const string FromCallee = "callee_to_caller";

    private readonly SessionTable _sessions;
    private readonly RelayContext _context;
    private readonly PortAllocator _ports;
    private readonly ControlDispatcher _dispatcher;
    private readonly HashSet<string> _mediaTypesSeen = new(StringComparer.Ordinal);

    private readonly Gauge _sessionsActive;
    private readonly Gauge _streams;
    private readonly Gauge _portPairs;
    private readonly Gauge _portPairsCapacity;
    private readonly Gauge _bitRate;
    private readonly Counter _packets;
    private readonly Counter _bytes;
    private readonly Counter _dropped;
    private readonly Counter _streamsTimedOut;
    private readonly Counter _portExhaustions;
    private readonly Counter _controlRequests;
    private readonly Counter _controlErrors;
    private readonly Counter _allocatedBytes;
    private readonly Gauge _dispatchersConnected;
    private readonly Gauge _forwardingSockets;
    private readonly DispatcherLinkCount _links;

    public RelayMetrics(SessionTable sessions, RelayContext context, ControlDispatcher dispatcher, DispatcherLinkCount? links = null)
    {
        _links = links ?? new DispatcherLinkCount();
        _sessions = sessions;
        _context = context;
        _ports = context.Ports;
        _dispatcher = dispatcher;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _sessionsActive = factory.CreateGauge("natedge_relay_sessions_active", "Sessions in the relay's table.");
        _streams = factory.CreateGauge("natedge_relay_streams", "Live streams by media type and state (active, on_hold, no_media).", "media_type", "state");
        _portPairs = factory.CreateGauge("natedge_relay_port_pairs", "Port pairs of the range by use (in_use, free, quarantined, unusable).", "use");
        _portPairsCapacity = factory.CreateGauge("natedge_relay_port_pairs_capacity", "Port pairs in the configured range (one per stream side).");
        _bitRate = factory.CreateGauge("natedge_relay_bits_per_second", "Bits per second relayed, averaged over the last 15 s sampling period.");
        _packets = factory.CreateCounter("natedge_relay_packets_total", "RTP and RTCP packets received from latched parties and relayed, by direction.", "direction");
        _bytes = factory.CreateCounter("natedge_relay_bytes_total", "UDP payload bytes received from latched parties and relayed, by direction.", "direction");
        _dropped = factory.CreateCounter("natedge_relay_packets_dropped_total", "Packets not relayed, by reason (unlatched_source, no_route).", "reason");
        _streamsTimedOut = factory.CreateCounter("natedge_relay_streams_timed_out_total", "Streams closed by a timer (no traffic, on hold, inactivity); their ports close, so later packets are never received.");
        _portExhaustions = factory.CreateCounter("natedge_relay_port_exhaustions_total", "Updates refused because the port range was exhausted.");
        _controlRequests = factory.CreateCounter("natedge_relay_control_requests_total", "Control requests answered, by command and outcome (ok, error, halting).", "command", "outcome");
        _controlErrors = factory.CreateCounter("natedge_relay_control_errors_total", "Control requests answered error, by reason.", "reason");
        _allocatedBytes = factory.CreateCounter("natedge_relay_allocated_bytes_total", "Bytes allocated by the process since it started (the packet path allocates none).");
        _dispatchersConnected = factory.CreateGauge("natedge_relay_dispatchers_connected", "Dispatchers (proxies) this relay has a TLS link up to.");
        _forwardingSockets = factory.CreateGauge("natedge_relay_forwarding_sockets",
            "Relay sockets each forwarding thread receives for, by kind (rtp, rtcp); RTP carries nearly every packet, so its spread is the threads' share of the load.",
            "thread", "kind");
        Registry.AddBeforeCollectCallback(Collect);
    }

    public CollectorRegistry Registry { get; }

    private void Collect()
    {
        // One look under the table lock, so the totals and the stream counts describe the same moment.
        var (traffic, streamCounts) = _sessions.Inspect(static (sessions, ended, _) =>
        {
            var totals = ended.Copy();
            var counts = new Dictionary<(string MediaType, string State), int>();
            foreach (var session in sessions)
            {
                foreach (var stream in session.AllStreams) totals.Add(stream);
                foreach (var stream in session.LiveStreams())
                {
                    var key = (stream.MediaType, StreamActivity.Of(stream));
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
            return (totals, counts);
        });
        foreach (var (mediaType, _) in streamCounts.Keys) _mediaTypesSeen.Add(mediaType);
        foreach (var mediaType in _mediaTypesSeen)
        {
            foreach (var state in StreamActivity.All) _streams.WithLabels(mediaType, state).Set(streamCounts.GetValueOrDefault((mediaType, state)));
        }

        _sessionsActive.Set(_sessions.Count);
        _portPairs.WithLabels("in_use").Set(_ports.InUse);
        _portPairs.WithLabels("free").Set(_ports.Free);
        _portPairs.WithLabels("quarantined").Set(_ports.Quarantined);
        _portPairs.WithLabels("unusable").Set(_ports.Unusable);
        _portPairsCapacity.Set(_ports.Capacity);
        _bitRate.Set(_sessions.BitsPerSecond);
        _packets.WithLabels(FromCaller).IncTo(traffic.FromCallerPackets);
        _packets.WithLabels(FromCallee).IncTo(traffic.FromCalleePackets);
        _bytes.WithLabels(FromCaller).IncTo(traffic.FromCallerBytes);
        _bytes.WithLabels(FromCallee).IncTo(traffic.FromCalleeBytes);
        _dropped.WithLabels("unlatched_source").IncTo(traffic.DroppedUnlatched);
        _dropped.WithLabels("no_route").IncTo(traffic.DroppedNoRoute);
        _streamsTimedOut.IncTo(traffic.StreamsTimedOut);
        _portExhaustions.IncTo(_sessions.PortExhaustions);
        foreach (var (command, outcome, count) in _dispatcher.Counts.All()) _controlRequests.WithLabels(command, outcome).IncTo(count);
        foreach (var (reason, count) in _dispatcher.ErrorCounts()) _controlErrors.WithLabels(reason.ToString()).IncTo(count);
        _allocatedBytes.IncTo(GC.GetTotalAllocatedBytes(precise: true));
        _dispatchersConnected.Set(_links.Connected);
        SetForwardingSockets("rtp", _context.ForwardingSockets(rtp: true));
        SetForwardingSockets("rtcp", _context.ForwardingSockets(rtp: false));
    }

    private void SetForwardingSockets(string kind, int[] perThread)
    {
        for (var thread = 0; thread < perThread.Length; thread++)
        {
            _forwardingSockets.WithLabels(thread.ToString(CultureInfo.InvariantCulture), kind).Set(perThread[thread]);
        }
    }
}
