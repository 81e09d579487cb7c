using NatEdge.Proxy.Tests.Sip;
using static NatEdge.Proxy.Tests.Modules.Auth.DigestClient;
using static NatEdge.Proxy.Tests.Modules.Registrar.RegisterMessages;

namespace NatEdge.Proxy.Tests.Modules.Auth;

/// <summary>
/// www_/proxy_ authorize and challenge, check_to/check_from, consume_credentials and the domain
/// functions, run through the guide's stage-2 script (RFC 2617, RFC 7616, route-script.md section 5).
/// </summary>
public sealed class AuthFunctionTests
{
    private const string Registrar = "sip:proxy.test";

    [Fact]
    public async Task A_register_without_credentials_is_challenged_with_the_to_domain_as_realm()
    {
        using var auth = new AuthScript();

        (await auth.Harness.RequestAsync(Register())).ShouldBe(0);

        var reply = auth.Harness.Replies.ShouldHaveSingleItem();
        reply.ShouldStartWith("SIP/2.0 401 Unauthorized\r\n");
        reply.ShouldContain("\r\nWWW-Authenticate: Digest realm=\"proxy.test\", nonce=\"");
        reply.ShouldContain("algorithm=MD5\r\n");
        reply.ShouldNotContain("qop=", customMessage: "www_challenge(\"\", \"0\") offers no qop");
        reply.ShouldNotContain("stale");
    }

    [Fact]
    public async Task The_right_password_registers()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, Registrar)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        auth.Harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.5:5070>;expires=3600\r\n");
    }

    [Fact]
    public async Task A_wrong_password_is_challenged_again_without_stale()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "wrong", nonce, Registrar)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 401 Unauthorized\r\n");
        auth.Harness.LastReply.ShouldNotContain("stale");
        (await auth.Harness.Services.Location!.GetAsync("1000")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_user_gets_the_same_answer_as_a_wrong_password()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register(user: "9999"));
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(user: "9999", cseq: 2, extra: Header("Authorization", "REGISTER", "9999", AuthScript.Realm, "whatever", nonce, Registrar)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 401 Unauthorized\r\n");
        auth.Harness.LastReply.ShouldNotContain("stale");
    }

    [Fact]
    public async Task An_expired_nonce_with_the_right_password_is_challenged_with_stale_true()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);
        auth.Harness.Time.Advance(TimeSpan.FromSeconds(31));

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, Registrar)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 401 Unauthorized\r\n");
        auth.Harness.LastReply.ShouldContain(", stale=true");
        Nonce(auth.Harness.LastReply).ShouldNotBe(nonce);
    }

    [Fact]
    public async Task An_expired_nonce_with_a_wrong_password_is_not_stale()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);
        auth.Harness.Time.Advance(TimeSpan.FromSeconds(31));

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "wrong", nonce, Registrar)));

        auth.Harness.LastReply.ShouldNotContain("stale");
    }

    [Fact]
    public async Task Registering_as_1000_with_the_credentials_of_1001_fails_check_to()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1001", AuthScript.Realm, "secret1001", nonce, Registrar)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 403 Forbidden\r\n");
        (await auth.Harness.Services.Location!.GetAsync("1000")).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_digest_uri_need_not_equal_the_request_uri()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, "sip:127.0.0.1:5060")));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
    }

    [Fact]
    public async Task With_check_digest_uri_a_digest_uri_other_than_the_request_uri_is_refused()
    {
        using var auth = new AuthScript("modparam(\"auth_db\", \"check_digest_uri\", 1)");
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, "sip:127.0.0.1:5060")));
        auth.Harness.LastReply.ShouldNotStartWith("SIP/2.0 200 ");

        await auth.Harness.RequestAsync(Register(cseq: 3, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, Registrar)));
        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
    }

    [Fact]
    public async Task An_invite_without_credentials_gets_407_with_the_from_domain_and_qop_auth()
    {
        using var auth = new AuthScript();

        (await auth.Harness.RequestAsync(Invite("sip:1000@elsewhere.test"))).ShouldBe(0);

        var reply = auth.Harness.Replies.ShouldHaveSingleItem();
        reply.ShouldStartWith("SIP/2.0 407 Proxy Authentication Required\r\n");
        reply.ShouldContain("\r\nProxy-Authenticate: Digest realm=\"proxy.test\", nonce=\"");
        reply.ShouldContain("qop=\"auth\"");
    }

    [Fact]
    public async Task An_authorized_invite_goes_on_without_its_credentials()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Invite());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Invite(extra: Header("Proxy-Authorization", "INVITE", "1001", AuthScript.Realm, "secret1001", nonce, "sip:1000@proxy.test", qop: true)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 299 Authorized\r\n");
        var forwarded = auth.Harness.Message!.Written();
        forwarded.ShouldNotContain("Proxy-Authorization");
        forwarded.ShouldContain("\r\nContact: <sip:1001@127.0.0.6:5080>\r\n");
    }

    [Fact]
    public async Task Calling_with_someone_elses_credentials_fails_check_from()
    {
        using var auth = new AuthScript();
        await auth.Harness.RequestAsync(Invite());
        var nonce = Nonce(auth.Harness.LastReply);

        await auth.Harness.RequestAsync(Invite(extra: Header("Proxy-Authorization", "INVITE", "1000", AuthScript.Realm, "secret1000", nonce, "sip:1000@proxy.test", qop: true)));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 403 Use From=ID\r\n");
    }

    [Fact]
    public async Task Both_algorithms_are_offered_sha256_first_and_sha256_credentials_are_accepted()
    {
        using var auth = new AuthScript("modparam(\"auth\", \"algorithm\", \"MD5,SHA-256\")");
        await auth.Harness.RequestAsync(Register());
        var challenge = auth.Harness.LastReply;
        var sha = challenge.IndexOf("algorithm=SHA-256", StringComparison.Ordinal);
        var md5 = challenge.IndexOf("algorithm=MD5", StringComparison.Ordinal);
        sha.ShouldBeGreaterThan(0);
        md5.ShouldBeGreaterThan(sha, "RFC 8760 section 2.4: the preferred algorithm comes first");
        var shaLine = challenge.Split("\r\n").First(line => line.Contains("SHA-256", StringComparison.Ordinal));

        await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", Nonce(shaLine), Registrar, algorithm: "SHA-256")));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
    }

    [Fact]
    public async Task A_subscriber_database_that_is_down_is_answered_500()
    {
        using var auth = new AuthScript(authDbUrl: "mysql://ser:heslo@127.0.0.1:1/ser");
        await auth.Harness.RequestAsync(Register());
        var nonce = Nonce(auth.Harness.LastReply);

        (await auth.Harness.RequestAsync(Register(cseq: 2, extra: Header("Authorization", "REGISTER", "1000", AuthScript.Realm, "secret1000", nonce, Registrar)))).ShouldBe(0);

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 500 ");
    }

    [Theory]
    [InlineData("sip:local@proxy.test", "291")]
    [InlineData("sip:local@PROXY.test", "291")]
    [InlineData("sip:local@elsewhere.test", "292")]
    public async Task Is_uri_host_local_reads_the_domain_table(string uri, string expected)
    {
        using var auth = new AuthScript();

        await auth.Harness.RequestAsync(Invite(uri));

        auth.Harness.LastReply.ShouldStartWith($"SIP/2.0 {expected} ");
    }

    [Fact]
    public async Task Is_from_local_reads_the_from_host()
    {
        using var auth = new AuthScript();

        await auth.Harness.RequestAsync(Invite("sip:fromlocal@elsewhere.test"));

        auth.Harness.LastReply.ShouldStartWith("SIP/2.0 291 Local\r\n"); // From is sip:1001@proxy.test
    }
}
