using System.Security.Cryptography;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// Checks digest credentials against the subscriber table (RFC 2617 §3.2.2, RFC 7616 §3.4).
/// Order of checks: shape, realm, algorithm and qop, nonce authenticity (a forged nonce never
/// reaches the database), account, response, then nonce age and single use. Age is checked
/// after the response because stale=true promises the phone that its password was right
/// (RFC 2617 §3.2.1). The digest <c>uri</c> is not compared with the Request-URI here: phones
/// and SIPp send the proxy's address, and Kamailio accepts them.
/// </summary>
public sealed class DigestVerifier
{
    /// <summary>Longest HA1 in lowercase hex (SHA-256).</summary>
    private const int MaxHexLength = 64;

    private readonly ISubscriberLookup _subscribers;
    private readonly NonceService _nonces;
    private readonly AuthDbOptions _options;

    public DigestVerifier(ISubscriberLookup subscribers, NonceService nonces, AuthDbOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(nonces);
        options ??= new AuthDbOptions();
        foreach (var column in new[] { options.PasswordColumn, options.PasswordColumn2 })
        {
            if (!AuthDbOptions.KnownColumns.Contains(column, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"password column '{column}' is not one of {string.Join(", ", AuthDbOptions.KnownColumns)}", nameof(options));
            }
        }

        _subscribers = subscribers;
        _nonces = nonces;
        _options = options;
    }

    public NonceService Nonces => _nonces;

    /// <param name="credentials">The client's digest parameters.</param>
    /// <param name="method">The request method (HA2 uses it; for REGISTER "REGISTER").</param>
    /// <param name="realm">The realm that was challenged (already resolved from To/From when empty in the script).</param>
    public async ValueTask<DigestOutcome> VerifyAsync(
        DigestCredentials credentials,
        string method,
        string realm,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(realm);

        var shape = CheckShape(credentials, realm, out var algorithm);
        if (shape != DigestOutcome.Authorized)
        {
            return shape;
        }

        var nonce = _nonces.Check(credentials.Nonce, out var sequence);
        if (nonce == NonceStatus.Invalid)
        {
            return DigestOutcome.InvalidNonce;
        }

        var (user, _) = Aor.Split(credentials.Username);
        SubscriberRecord? subscriber;
        try
        {
            subscriber = await _subscribers.FindAsync(user, realm, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            return DigestOutcome.StoreUnavailable;
        }

        var responseMatches = ResponseMatches(credentials, method, algorithm, subscriber);
        if (subscriber is null)
        {
            return DigestOutcome.NoSuchUser;
        }

        if (!responseMatches)
        {
            return DigestOutcome.BadResponse;
        }

        if (nonce == NonceStatus.Stale)
        {
            return DigestOutcome.StaleNonce;
        }

        return _options.SingleUseNonces && !_nonces.TryConsume(sequence) ? DigestOutcome.NonceReused : DigestOutcome.Authorized;
    }

    private static DigestOutcome CheckShape(DigestCredentials credentials, string realm, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (string.IsNullOrEmpty(credentials.Username) || credentials.Nonce is null || credentials.Uri is null ||
            string.IsNullOrEmpty(credentials.Response) || credentials.Realm is null)
        {
            return DigestOutcome.Malformed;
        }

        if (!string.Equals(credentials.Realm, realm, StringComparison.OrdinalIgnoreCase))
        {
            return DigestOutcome.RealmMismatch;
        }

        if (!DigestAlgorithms.TryParse(credentials.Algorithm, out algorithm))
        {
            return DigestOutcome.UnsupportedAlgorithm;
        }

        if (credentials.Qop is not null)
        {
            if (!credentials.Qop.Equals("auth", StringComparison.OrdinalIgnoreCase))
            {
                return DigestOutcome.UnsupportedQop;
            }

            if (string.IsNullOrEmpty(credentials.NonceCount) || string.IsNullOrEmpty(credentials.CNonce))
            {
                return DigestOutcome.Malformed;
            }
        }
        else if (algorithm.IsSession())
        {
            // -sess needs the cnonce (RFC 7616 §3.4.2), which only comes with qop.
            return DigestOutcome.Malformed;
        }

        return DigestOutcome.Authorized;
    }

    /// <summary>
    /// Computes the expected response and compares it in constant time. For an unknown user it
    /// still hashes (over an empty secret), so both paths cost the same.
    /// </summary>
    private bool ResponseMatches(DigestCredentials credentials, string method, DigestAlgorithm algorithm, SubscriberRecord? subscriber)
    {
        var hexLength = algorithm.HexLength();
        Span<char> ha1 = stackalloc char[MaxHexLength];
        ha1 = ha1[..hexLength];
        var haveHa1 = TryGetHa1(credentials, algorithm, subscriber, ha1);

        if (algorithm.IsSession())
        {
            Span<char> session = stackalloc char[hexLength];
            DigestHash.SessionHa1(algorithm, ha1, credentials.Nonce, credentials.CNonce, session);
            session.CopyTo(ha1);
        }

        Span<char> ha2 = stackalloc char[hexLength];
        DigestHash.Ha2(algorithm, method, credentials.Uri, ha2);
        Span<char> expected = stackalloc char[hexLength];
        DigestHash.Response(algorithm, ha1, credentials.Nonce, credentials.NonceCount, credentials.CNonce, credentials.Qop, ha2, expected);

        var given = credentials.Response.AsSpan();
        Span<char> lowered = stackalloc char[hexLength];
        var sameLength = given.Length == hexLength;
        // Hex digits compare case-insensitively; lowering keeps the comparison fixed-time.
        given[..Math.Min(given.Length, hexLength)].ToLowerInvariant(lowered);
        var equal = CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes((ReadOnlySpan<char>)lowered));
        return haveHa1 && sameLength && equal;
    }

    private bool TryGetHa1(DigestCredentials credentials, DigestAlgorithm algorithm, SubscriberRecord? subscriber, Span<char> ha1)
    {
        if (_options.CalculateHa1)
        {
            var password = subscriber is null ? "" : Column(subscriber, _options.PasswordColumn);
            DigestHash.Ha1(algorithm, credentials.Username, credentials.Realm, password, ha1);
            return subscriber is not null;
        }

        var column = credentials.Username.Contains('@', StringComparison.Ordinal) ? _options.PasswordColumn2 : _options.PasswordColumn;
        var stored = subscriber is null ? "" : Column(subscriber, column);
        // A stored MD5 HA1 cannot answer a SHA-256 challenge: the lengths tell them apart.
        if (stored.Length != ha1.Length)
        {
            DigestHash.Ha1(algorithm, credentials.Username, credentials.Realm, "", ha1);
            return false;
        }

        stored.AsSpan().ToLowerInvariant(ha1);
        return subscriber is not null;
    }

    private static string Column(SubscriberRecord subscriber, string column) => column.ToLowerInvariant() switch
    {
        "password" => subscriber.Password,
        "ha1b" => subscriber.Ha1b,
        _ => subscriber.Ha1,
    };
}
