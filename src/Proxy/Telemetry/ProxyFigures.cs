namespace NatEdge.Proxy.Telemetry;

/// <summary>
/// The proxy's headline figures as a scrape made at the same moment would report them: what
/// <c>ctl status</c> shows (counters since start, gauges as of now).
/// </summary>
public sealed record ProxyFigures(
    IReadOnlyList<LabelCount> RequestsByMethod,
    IReadOnlyList<LabelCount> RepliesByClass,
    int ServerTransactions,
    int ClientTransactions,
    int Registrations);
