using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Modules;

/// <summary>Extra checks of a call site beyond argument count and kinds (ranges, formats).</summary>
public delegate void FunctionValidator(FunctionBinding binding, ScriptDiagnostics diagnostics);

/// <summary>Turns a validated call site into its runtime action (SER's fixup step).</summary>
public delegate ScriptAction FunctionBinder(FunctionBinding binding);

/// <summary>
/// The declaration of one script function: its name, parameters, where it may be
/// called, and the Validate/Bind pair. <see cref="Bind"/> is null while the
/// implementation has not landed; calls to it are then reported by the binder.
/// </summary>
public sealed record ModuleFunction(
    string Name,
    IReadOnlyList<FunctionParameter> Parameters,
    RouteKind AllowedRoutes,
    FunctionBinder? Bind,
    FunctionValidator? Validate = null)
{
    /// <summary>How many leading parameters are required; the rest are optional.</summary>
    public int RequiredCount { get; init; } = Parameters.Count;

    public bool IsImplemented => Bind is not null;

    public string Signature => $"{Name}({string.Join(", ", Parameters.Select((p, i) => i < RequiredCount ? p.Name : $"[{p.Name}]"))})";

    public static ModuleFunction Declared(string name, RouteKind allowed, params FunctionParameter[] parameters) =>
        new(name, parameters, allowed, null);
}
