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
}
