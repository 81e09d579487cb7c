using NatEdge.Proxy.Core;
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
    IReadOnlySet<(RouteKind Kind, int Number)> DefinedRoutes)
{
    private readonly LocalIdentity? _myself;

    /// <summary>
    /// What myself means where the script runs: the compiler supplies the bound sockets' identity;
    /// a binding used without it falls back to the script's own listen lines.
    /// </summary>
    public LocalIdentity Myself
    {
        get => _myself ?? LocalIdentity.FromSettings(Script);
        init => _myself = value;
    }
}
