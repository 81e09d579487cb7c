using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// What a subscriber row stores for a password, as kamctl writes it: the plaintext, HA1 with the
/// domain as realm, and HA1b for digest usernames of the form user@domain.
/// </summary>
public static class SubscriberSecrets
{
    public static SubscriberRecord For(string username, string domain, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(password);
        return new SubscriberRecord(
            username,
            domain,
            password,
            DigestHash.Ha1(DigestAlgorithm.Md5, username, domain, password),
            DigestHash.Ha1(DigestAlgorithm.Md5, username + "@" + domain, domain, password));
    }
}
