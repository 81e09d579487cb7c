using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Auth;

public class DigestVerifierTests
{
    private const string Realm = "example.org";
    private const string Password = "secret";
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(300);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Subscribers _subscribers = new();

    public DigestVerifierTests()
    {
        _subscribers.Add(SubscriberSecrets.For("alice", Realm, Password));
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5, "auth")]
    [InlineData(DigestAlgorithm.Md5, null)]
    [InlineData(DigestAlgorithm.Sha256, "auth")]
    [InlineData(DigestAlgorithm.Md5Sess, "auth")]
    [InlineData(DigestAlgorithm.Sha256Sess, "auth")]
    public async Task The_right_password_is_authorized(DigestAlgorithm algorithm, string? qop)
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", Password, algorithm, qop);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
    }

    [Fact]
    public async Task Stored_ha1_verifies_md5_without_the_plaintext()
    {
        _subscribers.Add(SubscriberSecrets.For("bob", Realm, "bobpw") with { Password = "" });
        var verifier = Verifier(new AuthDbOptions());
        (await verifier.VerifyAsync(Sign(verifier, "bob", "bobpw", method: "INVITE"), "INVITE", Realm)).ShouldBe(DigestOutcome.Authorized);
    }

    [Fact]
    public async Task Stored_ha1b_serves_usernames_that_carry_the_domain()
    {
        var verifier = Verifier(new AuthDbOptions());
        var credentials = Sign(verifier, "alice@example.org", Password);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
    }

    [Fact]
    public async Task A_stored_md5_ha1_cannot_answer_sha256()
    {
        var verifier = Verifier(new AuthDbOptions());
        var credentials = Sign(verifier, "alice", Password, DigestAlgorithm.Sha256);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.BadResponse);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var wrong = await verifier.VerifyAsync(Sign(verifier, "alice", "guess"), "REGISTER", Realm);
        var unknown = await verifier.VerifyAsync(Sign(verifier, "mallory", "guess"), "REGISTER", Realm);

        wrong.ShouldBe(DigestOutcome.BadResponse);
        unknown.ShouldBe(DigestOutcome.NoSuchUser);
        wrong.Answer().ShouldBe(DigestAnswer.Challenge);
        unknown.Answer().ShouldBe(wrong.Answer());
    }

    [Fact]
    public async Task An_expired_nonce_with_the_right_password_is_stale()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", Password);
        _time.Advance(Expiry + TimeSpan.FromSeconds(1));
        var outcome = await verifier.VerifyAsync(credentials, "REGISTER", Realm);
        outcome.ShouldBe(DigestOutcome.StaleNonce);
        outcome.Answer().ShouldBe(DigestAnswer.ChallengeStale);
    }

    [Fact]
    public async Task An_expired_nonce_with_a_wrong_password_is_not_stale()
    {
        // stale=true tells the phone its password was right (RFC 2617 §3.2.1).
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", "guess");
        _time.Advance(Expiry + TimeSpan.FromSeconds(1));
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.BadResponse);
    }

    [Fact]
    public async Task A_forged_nonce_is_rejected_before_the_database_is_asked()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var forger = new NonceService(_time, Expiry, "guessed secret"u8);
        var credentials = Sign(verifier, "alice", Password, nonce: forger.Issue());
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.InvalidNonce);
        _subscribers.Lookups.ShouldBe(0);
    }

    [Fact]
    public async Task A_single_use_nonce_authorizes_once()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password", SingleUseNonces = true });
        var credentials = Sign(verifier, "alice", Password);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
        var again = await verifier.VerifyAsync(credentials, "REGISTER", Realm);
        again.ShouldBe(DigestOutcome.NonceReused);
        again.Answer().ShouldBe(DigestAnswer.ChallengeStale);
    }

    [Fact]
    public async Task Nonces_may_be_reused_when_single_use_is_off()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", Password);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
    }

    [Fact]
    public async Task The_method_is_part_of_the_response()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", Password, method: "REGISTER");
        (await verifier.VerifyAsync(credentials, "INVITE", Realm)).ShouldBe(DigestOutcome.BadResponse);
    }

    [Fact]
    public async Task An_uppercase_hex_response_is_accepted()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var credentials = Sign(verifier, "alice", Password);
        credentials = credentials with { Response = credentials.Response.ToUpperInvariant() };
        (await verifier.VerifyAsync(credentials, "REGISTER", Realm)).ShouldBe(DigestOutcome.Authorized);
    }

    [Fact]
    public async Task Shape_errors_have_their_own_outcomes()
    {
        var verifier = Verifier(new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });
        var good = Sign(verifier, "alice", Password);
        (await verifier.VerifyAsync(good with { Realm = "other.org" }, "REGISTER", Realm)).ShouldBe(DigestOutcome.RealmMismatch);
        (await verifier.VerifyAsync(good with { Algorithm = "SHA-512-256" }, "REGISTER", Realm)).ShouldBe(DigestOutcome.UnsupportedAlgorithm);
        (await verifier.VerifyAsync(good with { Qop = "auth-int" }, "REGISTER", Realm)).ShouldBe(DigestOutcome.UnsupportedQop);
        (await verifier.VerifyAsync(good with { CNonce = null }, "REGISTER", Realm)).ShouldBe(DigestOutcome.Malformed);
        (await verifier.VerifyAsync(good with { Response = "" }, "REGISTER", Realm)).ShouldBe(DigestOutcome.Malformed);
        DigestOutcome.Malformed.Answer().ShouldBe(DigestAnswer.BadRequest);
    }

    [Fact]
    public async Task A_database_that_is_down_is_a_server_error()
    {
        _subscribers.Down = true;
        var verifier = Verifier(new AuthDbOptions());
        var outcome = await verifier.VerifyAsync(Sign(verifier, "alice", Password), "REGISTER", Realm);
        outcome.ShouldBe(DigestOutcome.StoreUnavailable);
        outcome.Answer().ShouldBe(DigestAnswer.ServerError);
    }

    [Fact]
    public void Unknown_password_columns_are_refused_at_configuration()
    {
        Should.Throw<ArgumentException>(() => Verifier(new AuthDbOptions { PasswordColumn = "passwd" }));
    }

    [Fact]
    public void The_challenge_header_names_realm_nonce_qop_stale_and_algorithm()
    {
        DigestChallenge.Format("example.org", "abc", DigestAlgorithm.Sha256, qopAuth: true, stale: true)
            .ShouldBe("Digest realm=\"example.org\", nonce=\"abc\", qop=\"auth\", stale=true, algorithm=SHA-256");
        DigestChallenge.Format("example.org", "abc", DigestAlgorithm.Md5, qopAuth: false, stale: false)
            .ShouldBe("Digest realm=\"example.org\", nonce=\"abc\", algorithm=MD5");
    }

    private DigestVerifier Verifier(AuthDbOptions options) =>
        new(_subscribers, new NonceService(_time, Expiry), options);

    /// <summary>What a phone computes for a challenge (RFC 2617 §3.2.2), written out independently.</summary>
    private static DigestCredentials Sign(
        DigestVerifier verifier,
        string username,
        string password,
        DigestAlgorithm algorithm = DigestAlgorithm.Md5,
        string? qop = "auth",
        string method = "REGISTER",
        string? nonce = null)
    {
        nonce ??= verifier.Nonces.Issue();
        const string Uri = "sip:example.org";
        const string CNonce = "0a4f113b";
        const string Nc = "00000001";
        var hash = algorithm is DigestAlgorithm.Md5 or DigestAlgorithm.Md5Sess ? (Func<string, string>)Md5Hex : Sha256Hex;
        var ha1 = hash($"{username}:{Realm}:{password}");
        if (algorithm is DigestAlgorithm.Md5Sess or DigestAlgorithm.Sha256Sess)
        {
            ha1 = hash($"{ha1}:{nonce}:{CNonce}");
        }

        var ha2 = hash($"{method}:{Uri}");
        var response = qop is null ? hash($"{ha1}:{nonce}:{ha2}") : hash($"{ha1}:{nonce}:{Nc}:{CNonce}:{qop}:{ha2}");
        return new DigestCredentials
        {
            Username = username,
            Realm = Realm,
            Nonce = nonce,
            Uri = Uri,
            Response = response,
            Algorithm = algorithm.Token(),
            Qop = qop,
            NonceCount = qop is null ? null : Nc,
            CNonce = qop is null ? null : CNonce,
        };
    }

#pragma warning disable CA5351 // digest MD5 by definition
    private static string Md5Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>A subscriber table in a dictionary, counting lookups, that can be switched off.</summary>
    private sealed class Subscribers : ISubscriberLookup
    {
        private readonly Dictionary<(string, string), SubscriberRecord> _rows = [];

        public int Lookups { get; private set; }

        public bool Down { get; set; }

        public void Add(SubscriberRecord record) => _rows[(record.Username, record.Domain)] = record;

        public ValueTask<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken)
        {
            Lookups++;
            if (Down)
            {
                throw new StorageUnavailableException("database unreachable (test): connection refused");
            }

            return ValueTask.FromResult(_rows.GetValueOrDefault((username, domain)));
        }
    }
}
