using NatEdge.Proxy.Modules.Registrar;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Modules.Registrar;

public sealed class RepeatedStringsTests
{
    [Fact]
    public void Equal_texts_come_back_as_one_instance()
    {
        var strings = new RepeatedStrings(capacity: 8);
        var first = strings.Share(new string("Grandstream GXP2170 1.0.11.3".AsSpan()));
        var second = strings.Share(new string("Grandstream GXP2170 1.0.11.3".AsSpan()));

        ReferenceEquals(first, second).ShouldBeTrue();
    }

    [Fact]
    public void Past_its_capacity_the_table_keeps_no_more_texts_and_still_answers()
    {
        var strings = new RepeatedStrings(capacity: 8);
        for (var i = 0; i < 18; i++)
        {
            strings.Share("flood-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var late = new string("never-seen-before".AsSpan());
        var shared = strings.Share(late);

        shared.ShouldBe("never-seen-before");
        ReferenceEquals(strings.Share(new string("never-seen-before".AsSpan())), late).ShouldBeFalse("a full table keeps no new text");
    }

    [Fact]
    public void Ruids_are_distinct_and_fit_the_location_table_column()
    {
        var ruids = Enumerable.Range(0, 10_000).Select(_ => ContactBinding.NewRuid()).ToList();

        ruids.Distinct().Count().ShouldBe(ruids.Count);
        ruids.ShouldAllBe(ruid => ruid.Length <= 64, "Kamailio's location.ruid is varchar(64)");
    }
}
