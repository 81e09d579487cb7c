using BenchmarkDotNet.Attributes;
using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Benchmarks.Auth;

/// <summary>
/// The CPU side of one authenticated REGISTER: nonce check, HA1 lookup (a dictionary standing in
/// for the database), response computation and comparison. Each invoke verifies
/// <see cref="OperationsPerInvoke"/> requests.
/// </summary>
[MemoryDiagnoser]
public class DigestVerifyBenchmark
{
    private const int OperationsPerInvoke = 1000;
    private const string Realm = "example.org";

    private DigestVerifier _verifier = null!;
    private DigestCredentials _credentials = null!;

    [Params(DigestAlgorithm.Md5, DigestAlgorithm.Sha256)]
    public DigestAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var nonces = new NonceService(TimeProvider.System, TimeSpan.FromSeconds(300));
        var subscribers = new InMemorySubscribers(SubscriberSecrets.For("alice", Realm, "secret"));
        _verifier = new DigestVerifier(subscribers, nonces, new AuthDbOptions { CalculateHa1 = true, PasswordColumn = "password" });

        var nonce = nonces.Issue();
        var length = Algorithm.HexLength();
        var ha1 = DigestHash.Ha1(Algorithm, "alice", Realm, "secret");
        Span<char> ha2 = stackalloc char[length];
        DigestHash.Ha2(Algorithm, "REGISTER", "sip:example.org", ha2);
        Span<char> response = stackalloc char[length];
        DigestHash.Response(Algorithm, ha1, nonce, "00000001", "0a4f113b", "auth", ha2, response);
        _credentials = new DigestCredentials
        {
            Username = "alice",
            Realm = Realm,
            Nonce = nonce,
            Uri = "sip:example.org",
            Response = new string(response),
            Algorithm = Algorithm.Token(),
            Qop = "auth",
            NonceCount = "00000001",
            CNonce = "0a4f113b",
        };
        if (_verifier.VerifyAsync(_credentials, "REGISTER", Realm).AsTask().GetAwaiter().GetResult() != DigestOutcome.Authorized)
        {
            throw new InvalidOperationException("benchmark credentials do not verify");
        }
    }

    [Benchmark(OperationsPerInvoke = OperationsPerInvoke)]
    public async Task<int> Verify()
    {
        var authorized = 0;
        for (var i = 0; i < OperationsPerInvoke; i++)
        {
            if (await _verifier.VerifyAsync(_credentials, "REGISTER", Realm) == DigestOutcome.Authorized)
            {
                authorized++;
            }
        }

        return authorized;
    }

    [Benchmark(OperationsPerInvoke = OperationsPerInvoke)]
    public int IssueNonce()
    {
        Span<char> nonce = stackalloc char[NonceService.NonceLength];
        var total = 0;
        for (var i = 0; i < OperationsPerInvoke; i++)
        {
            _verifier.Nonces.Issue(nonce);
            total += nonce[0];
        }

        return total;
    }

    private sealed class InMemorySubscribers(SubscriberRecord subscriber) : ISubscriberLookup
    {
        public ValueTask<SubscriberRecord?> FindAsync(string username, string domain, CancellationToken cancellationToken) =>
            ValueTask.FromResult(username == subscriber.Username && domain == subscriber.Domain ? subscriber : null);
    }
}
