using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Usrloc;

/// <summary>
/// Contacts are tried highest q first (the q parameter is a relative preference, RFC 3261 §20.10); usrloc keeps the older
/// binding first among equal q, so a lookup's order is the registration order within a q.
/// </summary>
public sealed class BindingOrderTests
{
    [Fact]
    public void Higher_q_comes_first_and_equal_q_keeps_the_order_of_registration()
    {
        var first = Binding("sip:a@10.0.0.1", 0.5f);
        var second = Binding("sip:b@10.0.0.2", 1.0f);
        var third = Binding("sip:c@10.0.0.3", 0.5f);
        var fourth = Binding("sip:d@10.0.0.4", 0.1f);
        var fifth = Binding("sip:e@10.0.0.5", 1.0f);
        ContactBinding[] expected = [second, fifth, first, third, fourth];

        BindingRules.Order([first, second, third, fourth, fifth]).ShouldBe(expected);

        var owned = new[] { first, second, third, fourth, fifth };
        BindingRules.SortInPlace(owned).ShouldBeSameAs(owned);
        owned.ShouldBe(expected);
    }

    private static ContactBinding Binding(string contact, float q) =>
        new() { Aor = "alice@example.org", Contact = contact, Q = q, Expires = new DateTime(2026, 1, 1, 13, 0, 0, DateTimeKind.Utc) };
}
