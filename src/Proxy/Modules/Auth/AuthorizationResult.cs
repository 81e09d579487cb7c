namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// What www_authorize or proxy_authorize made of one message's credentials: the outcome, the
/// header line they were on (consume_credentials removes it), the authenticated user (the
/// digest username without any "@domain", which check_to/check_from compare) and the realm.
/// </summary>
public sealed record AuthorizationResult(DigestOutcome Outcome, int HeaderIndex, string Username, string Realm)
{
    public bool IsAuthorized => Outcome == DigestOutcome.Authorized;
}
