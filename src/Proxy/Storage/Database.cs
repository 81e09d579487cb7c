using System.Data.Common;
using System.Diagnostics;
using NatEdge.Proxy.Storage.MySql;
using NatEdge.Proxy.Storage.Sqlite;
using NatEdge.Proxy.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace NatEdge.Proxy.Storage;

/// <summary>
/// One database named by a <c>db_url</c>. Every operation opens a pooled connection, runs, and
/// gives it back; transient faults are retried (Polly), the whole operation is bounded in time,
/// and a database that is down surfaces as <see cref="StorageUnavailableException"/> instead of
/// a hang. Once operations keep failing for want of a server, a circuit breaker fails the next
/// ones at once for a short while: under load every REGISTER would otherwise wait out its own
/// retries, the receive loops would fall behind, and phones would retransmit into a growing
/// queue. Thread-safe: the repositories share one instance.
/// </summary>
public sealed class Database
{
    /// <summary>
    /// Cancellation is cooperative, and a client blocked on a frozen server can take a while to
    /// notice it; past the timeout plus this grace the caller stops waiting and the abandoned
    /// attempt ends on its own.
    /// </summary>
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromMilliseconds(250);

    private readonly ISqlProvider _provider;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeSpan _breakDuration;

    private Database(DbUrl url, ISqlProvider provider, DatabaseOptions options)
    {
        Url = url;
        _provider = provider;
        _operationTimeout = options.OperationTimeout;
        _breakDuration = options.BreakDuration;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TimeoutRejectedException>().Handle<Exception>(provider.IsUnreachable),
                FailureRatio = 1.0,
                MinimumThroughput = options.BreakAfterFailures,
                SamplingDuration = options.BreakSamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.OperationTimeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(provider.IsTransient),
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } exception && provider.IsUnreachable(exception))
                    {
                        provider.ResetPool();
                    }

                    return default;
                },
            })
            .Build();
    }

    public DbUrl Url { get; }

    public DbBackend Backend => _provider.Backend;

    /// <summary>Opens the store a URL names; <see cref="DbBackend.None"/> has no database to open.</summary>
    public static Database Open(DbUrl url, DatabaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        options ??= new DatabaseOptions();
        ISqlProvider provider = url.Backend switch
        {
            DbBackend.MySql => new MySqlProvider(url, options),
            DbBackend.Sqlite => new SqliteProvider(url, options),
            _ => throw new ArgumentException("db_url names no database", nameof(url)),
        };
        return new Database(url, provider, options);
    }

    /// <summary>Runs <paramref name="work"/> on an open connection, with retries and the time bound.</summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ProxyMetrics.DatabaseOperationRan();
        using var trace = ProxyTracing.StartDatabaseOperation(Backend == DbBackend.MySql ? "mysql" : "sqlite");
        try
        {
            var attempt = _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    await using var connection = state.Provider.CreateConnection();
                    await connection.OpenAsync(token).ConfigureAwait(false);
                    await state.Provider.PrepareAsync(connection, token).ConfigureAwait(false);

                    return await state.Work(connection, token).ConfigureAwait(false);
                },
                (Provider: _provider, Work: work),
                cancellationToken).AsTask();
            try
            {
                return await attempt.WaitAsync(_operationTimeout + AbandonGrace, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _ = attempt.ContinueWith(static done => done.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new TimeoutRejectedException("abandoned", _operationTimeout);
            }
        }
        catch (BrokenCircuitException)
        {
            MarkUnavailable(trace);
            throw new StorageUnavailableException(
                $"database unreachable ({Url}): it failed every recent operation; the next attempt is at most {_breakDuration.TotalSeconds:0.#} s away");
        }
        catch (TimeoutRejectedException timeout)
        {
            MarkUnavailable(trace);
            _provider.ResetPool();
            throw new StorageUnavailableException($"database unreachable ({Url}): no answer within {timeout.Timeout.TotalSeconds:0.#} s", timeout);
        }
        catch (Exception exception) when (_provider.IsUnreachable(exception) || _provider.IsTransient(exception))
        {
            MarkUnavailable(trace);
            _provider.ResetPool();
            throw new StorageUnavailableException($"database unreachable ({Url}): {exception.Message}", exception);
        }
        catch (DbException exception)
        {
            ProxyMetrics.DatabaseOperationFailed(unavailable: false);
            trace?.SetStatus(ActivityStatusCode.Error, "error");
            throw new StorageException($"database error ({Url}): {exception.Message}", exception);
        }
    }

    private static void MarkUnavailable(Activity? trace)
    {
        ProxyMetrics.DatabaseOperationFailed(unavailable: true);
        trace?.SetStatus(ActivityStatusCode.Error, "unavailable");
    }

    /// <summary>Runs <paramref name="work"/> inside one transaction, committed when it returns.</summary>
    public Task<T> RunInTransactionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var result = await work(connection, transaction, token).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                return result;
            },
            cancellationToken);
    }

    public Task<bool> TableExistsAsync(string table, CancellationToken cancellationToken = default) =>
        RunAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateSqlCommand(_provider.TableExistsSql, null, ("@name", table));
                return Convert.ToInt64(await command.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
            },
            cancellationToken);
}
