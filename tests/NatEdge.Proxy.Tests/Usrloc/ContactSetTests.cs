using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Usrloc;

public sealed class ContactSetTests
{
    private static readonly DateTime Expires = new(2026, 1, 1, 13, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void One_binding_and_then_more_keep_their_order_and_positions()
    {
        var set = new ContactSet();
        set.Count.ShouldBe(0);
        set.ToArray().ShouldBeEmpty();
        set.IndexOf("sip:a@10.0.0.1").ShouldBe(-1);

        var a = Binding("sip:a@10.0.0.1");
        var b = Binding("sip:b@10.0.0.2");
        var c = Binding("sip:c@10.0.0.3");
        set.Add(a);
        set.Count.ShouldBe(1);
        set[0].ShouldBe(a);
        set.Add(b);
        set.Add(c);

        set.ToArray().ShouldBe([a, b, c]);
        set.IndexOf("sip:c@10.0.0.3").ShouldBe(2);
    }

    [Fact]
    public void Contacts_compare_exactly_as_usrloc_compares_them()
    {
        var set = new ContactSet();
        set.Add(Binding("sip:Alice@10.0.0.1"));

        set.IndexOf("sip:alice@10.0.0.1").ShouldBe(-1);
        set.IndexOf("sip:Alice@10.0.0.1").ShouldBe(0);
    }

    [Fact]
    public void Replacing_and_removing_work_for_one_binding_and_for_several()
    {
        var set = new ContactSet();
        var a = Binding("sip:a@10.0.0.1");
        var refreshed = a with { CSeq = 2 };
        set.Add(a);
        set.Replace(0, refreshed);
        set.ToArray().ShouldBe([refreshed]);

        var b = Binding("sip:b@10.0.0.2");
        var c = Binding("sip:c@10.0.0.3");
        set.Add(b);
        set.Add(c);
        set.Replace(1, b with { CSeq = 5 });
        set[1].CSeq.ShouldBe(5);

        set.RemoveAt(0);
        set.ToArray().Select(binding => binding.Contact).ShouldBe(["sip:b@10.0.0.2", "sip:c@10.0.0.3"]);
        set.RemoveAll(binding => binding.Contact == "sip:c@10.0.0.3").ShouldBe(1);
        set.Count.ShouldBe(1);
        set[0].Contact.ShouldBe("sip:b@10.0.0.2");
        set.RemoveAll(_ => false).ShouldBe(0);
        set.RemoveAt(0);
        set.Count.ShouldBe(0);
    }

    [Fact]
    public void A_copy_does_not_change_with_the_set()
    {
        var set = new ContactSet();
        set.Add(Binding("sip:a@10.0.0.1"));
        set.Add(Binding("sip:b@10.0.0.2"));

        var copy = set.ToArray();
        set.Clear();

        copy.Length.ShouldBe(2);
        set.Count.ShouldBe(0);
    }

    private static ContactBinding Binding(string contact) =>
        new() { Aor = "alice@example.org", Contact = contact, Expires = Expires };
}
