namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// Result of checking digest credentials. NoSuchUser and BadResponse are told apart for logs and
/// metrics only: <see cref="DigestOutcomes.Answer"/> gives both the same answer, and both take
/// the same work, so a client cannot learn whether a user exists.
/// </summary>
public enum DigestOutcome
{
    Authorized,

    /// <summary>A required parameter is missing or empty, or qop came without nc/cnonce.</summary>
    Malformed,

    /// <summary>The credentials are for another realm than the one challenged.</summary>
    RealmMismatch,
    UnsupportedAlgorithm,

    /// <summary>qop other than "auth" (auth-int is not offered).</summary>
    UnsupportedQop,

    /// <summary>The nonce is not one of ours (forged, altered or garbled).</summary>
    InvalidNonce,

    /// <summary>The response was right but the nonce expired: challenge with stale=true.</summary>
    StaleNonce,

    /// <summary>The response was right but the single-use nonce was already used: stale=true.</summary>
    NonceReused,

    /// <summary>Wrong password (or an HA1 that cannot serve the requested algorithm).</summary>
    BadResponse,
    NoSuchUser,

    /// <summary>The subscriber table could not be read.</summary>
    StoreUnavailable,
}

/// <summary>What the SIP side does with an outcome; the one place that maps outcomes to answers.</summary>
public enum DigestAnswer
{
    /// <summary>Authorized: continue the script.</summary>
    Proceed,

    /// <summary>Send a fresh challenge (401/407).</summary>
    Challenge,

    /// <summary>Send a fresh challenge with stale=true, so the phone retries without asking its user.</summary>
    ChallengeStale,

    /// <summary>400 Bad Request.</summary>
    BadRequest,

    /// <summary>500 Server Internal Error (the database is down).</summary>
    ServerError,
}

public static class DigestOutcomes
{
    public static DigestAnswer Answer(this DigestOutcome outcome) => outcome switch
    {
        DigestOutcome.Authorized => DigestAnswer.Proceed,
        DigestOutcome.StaleNonce or DigestOutcome.NonceReused => DigestAnswer.ChallengeStale,
        DigestOutcome.Malformed => DigestAnswer.BadRequest,
        DigestOutcome.StoreUnavailable => DigestAnswer.ServerError,
        _ => DigestAnswer.Challenge,
    };
}
