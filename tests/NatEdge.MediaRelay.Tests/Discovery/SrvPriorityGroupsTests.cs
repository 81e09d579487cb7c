using NatEdge.MediaRelay.Discovery;

namespace NatEdge.MediaRelay.Tests.Discovery;

/// <summary>SRV records (RFC 2782) grouped the way the relay dials them.</summary>
public sealed class SrvPriorityGroupsTests
{
    [Fact]
    public void Groups_come_lowest_priority_value_first_each_heaviest_first()
    {
        var groups = SrvPriorityGroups.Group(
        [
            new SrvAnswer("backup.lab.test.", 20, 0),
            new SrvAnswer("light.lab.test.", 10, 10),
            new SrvAnswer("heavy.lab.test.", 10, 60),
        ]);

        // RFC 2782: "A client MUST attempt to contact the target host with the lowest-numbered priority it can reach".
        groups.Count.ShouldBe(2);
        groups[0].Select(a => a.Target).ShouldBe(["heavy.lab.test", "light.lab.test"]);
        groups[1].Select(a => a.Target).ShouldBe(["backup.lab.test"]);
    }

    [Fact]
    public void A_dot_target_is_no_service_and_repeated_targets_count_once()
    {
        var groups = SrvPriorityGroups.Group(
        [
            new SrvAnswer(".", 0, 0),
            new SrvAnswer("Proxy.Lab.Test.", 10, 5),
            new SrvAnswer("proxy.lab.test", 10, 7),
        ]);

        // RFC 2782: a Target of "." means the service is decidedly not available at this domain.
        groups.ShouldHaveSingleItem().ShouldBe([new SrvAnswer("proxy.lab.test", 10, 7)]);
        SrvPriorityGroups.Group([new SrvAnswer(".", 0, 0)]).ShouldBeEmpty();
    }
}
