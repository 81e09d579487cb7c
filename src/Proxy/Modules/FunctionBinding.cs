using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Modules;

/// <summary>
/// Everything a function's Validate and Bind steps see about one call site:
/// the call, its converted arguments, the route kind it sits in, its module's
/// settings and the script's global settings.
/// </summary>
public sealed record FunctionBinding(
    Call Call,
    IReadOnlyList<BoundArgument> Arguments,
    RouteKind RouteKind,
    ModuleSettings Settings,
    ScriptSettings Script,
    IReadOnlySet<(RouteKind Kind, int Number)> DefinedRoutes);
