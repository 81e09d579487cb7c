namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>
/// One binding of an address-of-record to a contact: a row of Kamailio's <c>location</c> (or
/// <c>aliases</c>) table. Times are UTC. <see cref="Aor"/> is <c>user</c> or <c>user@domain</c>
/// (registrar <c>use_domain</c>); the table keeps the two halves in <c>username</c>/<c>domain</c>.
/// </summary>
public sealed record ContactBinding
{
    /// <summary>usrloc's FL_PERMANENT: the contact never expires (aliases, <c>ul add</c>).</summary>
    public const int PermanentFlag = 128;

    public required string Aor { get; init; }

    /// <summary>The Contact URI as the phone sent it (after any NAT fix).</summary>
    public required string Contact { get; init; }

    public required DateTime Expires { get; init; }

    /// <summary>Preference 0.0 to 1.0 (RFC 3261 §10.2.1.2); Kamailio stores 1.0 when none was given.</summary>
    public float Q { get; init; } = 1.0f;

    public string CallId { get; init; } = "Default-Call-ID";

    public int CSeq { get; init; } = 1;

    public string UserAgent { get; init; } = "";

    /// <summary>Where the REGISTER really came from (<c>sip:ip:port</c>), used as the destination when set.</summary>
    public string? Received { get; init; }

    public string? Path { get; init; }

    /// <summary>Branch flags such as the NAT flag (registrar <c>nat_flag</c>) and <see cref="PermanentFlag"/>.</summary>
    public int Flags { get; init; }

    public int CFlags { get; init; }

    /// <summary>The local socket the REGISTER arrived on, <c>proto:ip:port</c>.</summary>
    public string? Socket { get; init; }

    public int? Methods { get; init; }

    public string? Instance { get; init; }

    public int RegId { get; init; }

    /// <summary>Record unique id; Kamailio's <c>ruid</c> column carries a unique index.</summary>
    public string Ruid { get; init; } = NewRuid();

    public DateTime LastModified { get; init; }

    public bool IsPermanent => (Flags & PermanentFlag) != 0;

    public bool IsExpiredAt(DateTime utcNow) => !IsPermanent && Expires <= utcNow;

    /// <summary>
    /// Unique without a GUID's 32 characters per binding: a random prefix drawn once per process
    /// (several proxies may share one table) and a counter, as Kamailio's "uloc-" ruids are.
    /// </summary>
    public static string NewRuid() =>
        RuidPrefix + Interlocked.Increment(ref _ruidCounter).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string RuidPrefix = "ne-" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(12, lowercase: true) + "-";

    private static long _ruidCounter;
}
