using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Auth;

namespace NatEdge.Proxy.Tests.Auth;

public class NonceServiceTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(300);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_fresh_nonce_is_valid_until_it_expires_then_stale()
    {
        var nonces = new NonceService(_time, Expiry);
        var nonce = nonces.Issue();
        nonce.Length.ShouldBe(NonceService.NonceLength);

        nonces.Check(nonce, out _).ShouldBe(NonceStatus.Valid);
        _time.Advance(Expiry);
        nonces.Check(nonce, out _).ShouldBe(NonceStatus.Valid);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        nonces.Check(nonce, out _).ShouldBe(NonceStatus.Stale);
    }

    [Fact]
    public void A_nonce_with_any_character_changed_is_rejected()
    {
        var nonces = new NonceService(_time, Expiry);
        var nonce = nonces.Issue();
        for (var i = 0; i < nonce.Length; i++)
        {
            var forged = nonce.ToCharArray();
            forged[i] = forged[i] == 'A' ? 'B' : 'A';
            nonces.Check(new string(forged), out _).ShouldBe(NonceStatus.Invalid, $"character {i} changed");
        }
    }

    [Fact]
    public void A_nonce_signed_with_another_secret_is_rejected()
    {
        var ours = new NonceService(_time, Expiry, "our secret"u8);
        var theirs = new NonceService(_time, Expiry, "their secret"u8);
        ours.Check(theirs.Issue(), out _).ShouldBe(NonceStatus.Invalid);
    }

    [Fact]
    public void Proxies_sharing_a_secret_accept_each_others_nonces()
    {
        var first = new NonceService(_time, Expiry, "shared"u8);
        var second = new NonceService(_time, Expiry, "shared"u8);
        second.Check(first.Issue(), out _).ShouldBe(NonceStatus.Valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dcd98b7102dd2f0e8b11d0f600bfb0c093")] // RFC 2617's example nonce: not ours
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")] // right length, not base64url
    public void Garbage_is_invalid(string nonce)
    {
        new NonceService(_time, Expiry).Check(nonce, out _).ShouldBe(NonceStatus.Invalid);
    }

    [Fact]
    public void A_nonce_from_the_future_is_invalid()
    {
        var issuerClock = new FakeTimeProvider(_time.GetUtcNow().AddMinutes(10));
        var issuer = new NonceService(issuerClock, Expiry, "shared"u8);
        var checker = new NonceService(_time, Expiry, "shared"u8);
        checker.Check(issuer.Issue(), out _).ShouldBe(NonceStatus.Invalid);
    }

    [Fact]
    public void A_single_use_nonce_is_consumed_once()
    {
        var nonces = new NonceService(_time, Expiry);
        var nonce = nonces.Issue();
        nonces.Check(nonce, out var sequence).ShouldBe(NonceStatus.Valid);
        nonces.TryConsume(sequence).ShouldBeTrue();
        nonces.Check(nonce, out sequence).ShouldBe(NonceStatus.Valid);
        nonces.TryConsume(sequence).ShouldBeFalse();

        var other = nonces.Issue();
        nonces.Check(other, out var otherSequence).ShouldBe(NonceStatus.Valid);
        nonces.TryConsume(otherSequence).ShouldBeTrue();
    }

    [Fact]
    public void Many_nonces_in_flight_are_consumed_independently()
    {
        var nonces = new NonceService(_time, Expiry);
        var issued = Enumerable.Range(0, 1000).Select(_ => nonces.Issue()).ToList();
        issued.Distinct(StringComparer.Ordinal).Count().ShouldBe(1000);
        foreach (var nonce in issued)
        {
            nonces.Check(nonce, out var sequence);
            nonces.TryConsume(sequence).ShouldBeTrue();
        }

        foreach (var nonce in issued)
        {
            nonces.Check(nonce, out var sequence);
            nonces.TryConsume(sequence).ShouldBeFalse();
        }
    }
}
