using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>Finds the stored secrets of an account (auth_db's query on <c>subscriber</c>).</summary>
public interface ISubscriberLookup
{
    /// <returns>null when there is no such account.</returns>
    /// <exception cref="StorageUnavailableException">The database is down.</exception>
    ValueTask<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken);
}

/// <summary>
/// The subscriber table of a database. Lookups that arrive while one is under way go out together
/// in one query (<see cref="OperationBatcher{TRequest, TResult}"/>): under load the registrar and
/// the INVITE path share round trips instead of each paying its own.
/// </summary>
public sealed class DatabaseSubscriberLookup : ISubscriberLookup
{
    private readonly OperationBatcher<(string Username, string Domain), SubscriberRecord?> _batcher;

    public DatabaseSubscriberLookup(SubscriberRepository subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _batcher = new OperationBatcher<(string, string), SubscriberRecord?>(
            accounts => subscribers.FindManyAsync(accounts),
            SubscriberRepository.MaxAccountsPerQuery);
    }

    public ValueTask<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken) =>
        new(_batcher.RunAsync((username, domain), cancellationToken));
}
