using System.Net;
using NatEdge.MediaRelay.Discovery;

namespace NatEdge.MediaRelay.Tests.Discovery;

/// <summary>Which targets of a name's answer the relay dials, given what each link has shown.</summary>
public sealed class DispatcherGroupPlanTests
{
    private static readonly DispatcherTarget A1 = Target("a1", 1);
    private static readonly DispatcherTarget A2 = Target("a2", 2);
    private static readonly DispatcherTarget B1 = Target("b1", 3);
    private static readonly DispatcherTarget C1 = Target("c1", 4);
    private static readonly IReadOnlyList<IReadOnlyList<DispatcherTarget>> Groups = [[A1, A2], [B1], [C1]];

    private static DispatcherTarget Target(string name, int host) => new(name, 25060, [IPAddress.Parse($"198.18.0.{host}")]);

    private static List<string> Plan(Dictionary<string, LinkReachability> states)
    {
        var selected = new List<DispatcherTarget>();
        DispatcherGroupPlan.Select(Groups, key => states.GetValueOrDefault(key, LinkReachability.Unknown), selected);
        return [.. selected.Select(t => t.Name)];
    }

    [Fact]
    public void Every_target_of_the_best_group_is_dialled_and_no_other_while_they_are_untried()
    {
        Plan([]).ShouldBe(["a1", "a2"]);
    }

    [Fact]
    public void One_answering_target_of_the_best_group_is_enough_to_stay_there()
    {
        Plan(new() { [A1.Key] = LinkReachability.Unreachable, [A2.Key] = LinkReachability.Connected }).ShouldBe(["a1", "a2"]);
        Plan(new() { [A1.Key] = LinkReachability.Unreachable, [A2.Key] = LinkReachability.Unknown }).ShouldBe(["a1", "a2"]);
    }

    [Fact]
    public void The_next_group_is_dialled_once_every_target_of_the_better_ones_failed()
    {
        var bestDown = new Dictionary<string, LinkReachability> { [A1.Key] = LinkReachability.Unreachable, [A2.Key] = LinkReachability.Unreachable };
        Plan(bestDown).ShouldBe(["a1", "a2", "b1"]);

        bestDown[B1.Key] = LinkReachability.Connected;
        Plan(bestDown).ShouldBe(["a1", "a2", "b1"], "the better group is still dialled, to take over when it answers again");

        bestDown[B1.Key] = LinkReachability.Unreachable;
        Plan(bestDown).ShouldBe(["a1", "a2", "b1", "c1"]);
    }

    [Fact]
    public void A_better_group_that_answers_again_lets_the_worse_go()
    {
        Plan(new() { [A1.Key] = LinkReachability.Connected, [A2.Key] = LinkReachability.Unreachable, [B1.Key] = LinkReachability.Connected })
            .ShouldBe(["a1", "a2"]);
    }
}
