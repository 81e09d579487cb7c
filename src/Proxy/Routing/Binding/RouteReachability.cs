using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// A numbered route runs in the kind of every block that calls it, directly or
/// through other route() calls: route[3] called from failure_route[1] runs in
/// failure context, and its functions must be allowed there. Routes no block
/// calls are checked as request routes.
/// </summary>
internal static class RouteReachability
{
    public static Dictionary<int, RouteKind> Compute(IReadOnlyList<RouteBlock> routes, IEnumerable<(RouteKind Kind, int Number)> defined)
    {
        var definedSet = defined.ToHashSet();
        var calls = new Dictionary<(RouteKind, int), List<int>>();
        foreach (var route in routes)
        {
            var key = (route.Kind, route.Number);
            if (!calls.TryGetValue(key, out var targets))
            {
                calls[key] = targets = [];
            }

            CollectCalls(route.Body, targets);
        }

        var reached = new Dictionary<int, RouteKind>();
        foreach (var (kind, number) in definedSet.Where(k => k.Kind != RouteKind.Request || k.Number == 0))
        {
            var work = new Stack<int>(calls.GetValueOrDefault((kind, number), []));
            if (kind == RouteKind.Request)
            {
                reached[0] = RouteKind.Request;
            }

            while (work.Count > 0)
            {
                var target = work.Pop();
                var before = reached.GetValueOrDefault(target);
                if ((before & kind) != 0)
                {
                    continue;
                }

                reached[target] = before | kind;
                foreach (var next in calls.GetValueOrDefault((RouteKind.Request, target), []))
                {
                    work.Push(next);
                }
            }
        }

        return reached;
    }

    private static void CollectCalls(Statement statement, List<int> targets)
    {
        switch (statement)
        {
            case Block block:
                foreach (var inner in block.Statements)
                {
                    CollectCalls(inner, targets);
                }

                break;
            case IfStatement conditional:
                CollectCalls(conditional.Then, targets);
                if (conditional.Else is not null)
                {
                    CollectCalls(conditional.Else, targets);
                }

                break;
            case RouteCallStatement call:
                targets.Add(call.Number);
                break;
        }
    }
}
