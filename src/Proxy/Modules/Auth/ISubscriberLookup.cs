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

/// <summary>The subscriber table of a database.</summary>
public sealed class DatabaseSubscriberLookup : ISubscriberLookup
{
    private readonly SubscriberRepository _subscribers;

    public DatabaseSubscriberLookup(SubscriberRepository subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _subscribers = subscribers;
    }

    public async ValueTask<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken) =>
        await _subscribers.FindAsync(username, domain, cancellationToken).ConfigureAwait(false);
}
