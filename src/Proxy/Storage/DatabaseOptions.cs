namespace NatEdge.Proxy.Storage;

/// <summary>
/// Time and size limits of one database. The defaults keep a dead server from holding a SIP
/// transaction past its timers: Timer F (64*T1 = 32 s, RFC 3261 §17.1.2.2) is far above
/// <see cref="OperationTimeout"/>, so the registrar can still answer 500 in time.
/// </summary>
public sealed record DatabaseOptions
{
    /// <summary>Dialling one server; a refused connection fails at once anyway.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Ceiling for one operation with all its retries.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first try of a transient fault.</summary>
    public int MaxRetries { get; init; } = 2;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public int MaxPoolSize { get; init; } = 32;

    /// <summary>
    /// Operations that must all have failed, within <see cref="BreakSamplingDuration"/>, for want
    /// of a server before the breaker opens.
    /// </summary>
    public int BreakAfterFailures { get; init; } = 3;

    public TimeSpan BreakSamplingDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an open breaker answers for the database without trying it; then one operation
    /// probes it. Short, so registrations resume within about a second of the server's return.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of the timeout, retry delays and breaker; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
