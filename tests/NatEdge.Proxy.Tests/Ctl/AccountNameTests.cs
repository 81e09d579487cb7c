using NatEdge.Proxy.Ctl;

namespace NatEdge.Proxy.Tests.Ctl;

public class AccountNameTests
{
    [Theory]
    [InlineData("alice@example.org", "alice", "example.org")]
    [InlineData("1000@192.0.2.10", "1000", "192.0.2.10")]
    [InlineData("sip:bob@example.org", "bob", "example.org")]
    public void Accepts_user_at_domain(string text, string user, string domain)
    {
        AccountName.TryParse(text, out var account).ShouldBeTrue();
        account.ShouldBe(new AccountName(user, domain));
        account.ToString().ShouldBe($"{user}@{domain}");
    }

    [Theory]
    [InlineData("alice")] // no domain
    [InlineData("@example.org")] // no user
    [InlineData("alice@")] // empty domain
    [InlineData("a@b@c")] // two '@'
    [InlineData("alice@example.org;transport=tcp")] // URI parameters are not part of an account
    [InlineData("alice smith@example.org")] // space
    [InlineData(null)]
    public void Rejects_anything_else(string? text)
    {
        AccountName.TryParse(text, out _).ShouldBeFalse();
    }
}
