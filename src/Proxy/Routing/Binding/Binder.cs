using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// Resolves a parsed script against the module registry before anything runs:
/// global parameters, loadmodule names, modparams and their types, route tables,
/// route() targets, function names, arities, argument kinds, the route kinds a
/// function may run in, and regexes. It reports every problem it finds
/// (collect-all, as YARP's ConfigValidator) and never stops at the first.
/// </summary>
public sealed partial class Binder
{
    /// <summary>SER 0.9's RT_NO: route tables hold 20 entries.</summary>
    public const int RouteTableSize = 20;

    private readonly ModuleRegistry _registry;
    private readonly ScriptDiagnostics _diagnostics;
    private readonly ScriptSettings _settings = new();
    private readonly Dictionary<string, ModuleSettings> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<(RouteKind Kind, int Number), RouteBlock> _routes = [];
    private readonly Dictionary<string, SourceSpan> _loadedSpans = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Module, string Parameter), SourceSpan> _parameterSpans = [];
    private HashSet<(RouteKind Kind, int Number)> _definedRoutes = [];

    private Binder(ModuleRegistry registry, ScriptDiagnostics diagnostics)
    {
        _registry = registry;
        _diagnostics = diagnostics;
    }

    public static BoundScript Bind(ScriptFile file, ModuleRegistry registry, ScriptDiagnostics diagnostics) =>
        new Binder(registry, diagnostics).BindFile(file);

    /// <summary>Parses and binds a script text; the usual entry point.</summary>
    public static BoundScript Load(string text, string fileName, ModuleRegistry registry, ScriptDiagnostics diagnostics) =>
        Bind(Parser.Parse(text, fileName, diagnostics), registry, diagnostics);

    private BoundScript BindFile(ScriptFile file)
    {
        foreach (var parameter in file.Globals)
        {
            GlobalParameterBinder.Apply(parameter, _settings, _diagnostics);
        }

        LoadModules(file);
        foreach (var setting in file.ModuleParameters)
        {
            ApplyModuleParameter(setting);
        }

        CheckModuleSettings();

        CollectRoutes(file);
        _definedRoutes = [.. _routes.Keys];
        var reachedFrom = RouteReachability.Compute(file.Routes, _routes.Keys);
        var bound = new List<BoundRoute>();
        foreach (var route in file.Routes)
        {
            if (!ReferenceEquals(_routes.GetValueOrDefault((route.Kind, route.Number)), route))
            {
                continue;
            }

            var kinds = route.Kind == RouteKind.Request ? reachedFrom.GetValueOrDefault(route.Number, RouteKind.Request) : route.Kind;
            var scope = new RouteScope(route, kinds);
            bound.Add(new BoundRoute(route.Kind, route.Number, BindBlock(route.Body, scope), route.Span));
        }

        return new BoundScript(_settings, _loaded, bound);
    }

    private void LoadModules(ScriptFile file)
    {
        _loaded[_registry.Core.Name] = new ModuleSettings(_registry.Core);
        var loadedAt = new Dictionary<string, LoadModule>(StringComparer.Ordinal);
        foreach (var load in file.Modules)
        {
            var name = ModuleRegistry.ModuleNameFromPath(load.Path);
            if (name == _registry.Core.Name || !_registry.TryGet(name, out var module))
            {
                var suggestion = NameSuggestion.Closest(name, _registry.Modules.Select(m => m.Name).Where(n => n != _registry.Core.Name));
                _diagnostics.Error(load.PathSpan, $"unknown module '{name}'",
                    suggestion is null ? "NatEdge's modules: " + string.Join(", ", ModuleNames()) : $"did you mean '{suggestion}.so'?");
                continue;
            }

            if (loadedAt.TryGetValue(name, out var earlier))
            {
                _diagnostics.Warning(load.PathSpan, $"module '{name}' is loaded twice", $"remove this line; it is already loaded at line {earlier.Span.Line}");
                continue;
            }

            loadedAt[name] = load;
            _loadedSpans[name] = load.PathSpan;
            _loaded[name] = new ModuleSettings(module);
        }

        foreach (var (name, load) in loadedAt)
        {
            foreach (var required in _loaded[name].Module.Requires.Where(r => !_loaded.ContainsKey(r)))
            {
                _diagnostics.Error(load.Span, $"module '{name}' needs loadmodule \"{required}.so\"", $"add loadmodule \"{DirectoryOf(load.Path)}{required}.so\"");
            }
        }
    }

    private IEnumerable<string> ModuleNames() =>
        _registry.Modules.Select(m => m.Name).Where(n => n != _registry.Core.Name).Order(StringComparer.Ordinal);

    private static string DirectoryOf(string path) => path[..(path.LastIndexOf('/') + 1)];

    private void ApplyModuleParameter(ModuleParameterSetting setting)
    {
        foreach (var rawName in setting.Modules.Split('|'))
        {
            var name = rawName.Trim();
            if (!_loaded.TryGetValue(name, out var settings) || name == _registry.Core.Name)
            {
                if (_registry.TryGet(name, out _) && name != _registry.Core.Name)
                {
                    _diagnostics.Error(setting.ModulesSpan, $"modparam for module '{name}', which is not loaded", $"add loadmodule \"{name}.so\"");
                }
                else
                {
                    var suggestion = NameSuggestion.Closest(name, _loaded.Keys.Where(n => n != _registry.Core.Name));
                    _diagnostics.Error(setting.ModulesSpan, $"unknown module '{name}' in modparam", suggestion is null ? null : $"did you mean '{suggestion}'?");
                }

                continue;
            }

            var parameter = settings.Module.FindParameter(setting.Name);
            if (parameter is null)
            {
                var known = settings.Module.Parameters.Select(p => p.Name).ToList();
                var suggestion = NameSuggestion.Closest(setting.Name, known);
                var hint = suggestion is not null ? $"did you mean '{suggestion}'?"
                    : known.Count == 0 ? $"module '{name}' has no parameters"
                    : $"parameters of '{name}': {string.Join(", ", known)}";
                _diagnostics.Error(setting.NameSpan, $"unknown parameter '{setting.Name}' of module '{name}'", hint);
                continue;
            }

            if (ModuleParameterValue.Convert(name, parameter, setting.Value, _diagnostics) is { } value)
            {
                settings.Set(parameter.Name, value);
                _parameterSpans[(name, parameter.Name)] = setting.NameSpan;
            }
        }
    }

    /// <summary>Modparams that only make sense together, reported at the modparam (or the loadmodule line when it is unset).</summary>
    private void CheckModuleSettings()
    {
        foreach (var (name, settings) in _loaded)
        {
            if (settings.Module.CheckSettings is not { } check || !_loadedSpans.TryGetValue(name, out var loadSpan))
            {
                continue;
            }

            foreach (var problem in check(settings))
            {
                _diagnostics.Error(_parameterSpans.GetValueOrDefault((name, problem.Parameter), loadSpan), problem.Message, problem.Hint);
            }
        }
    }

    private void CollectRoutes(ScriptFile file)
    {
        foreach (var route in file.Routes)
        {
            var (low, keyword) = route.Kind switch
            {
                RouteKind.Request => (0, "route"),
                RouteKind.OnReply => (1, "onreply_route"),
                _ => (1, "failure_route"),
            };
            if (route.Number < low || route.Number >= RouteTableSize)
            {
                _diagnostics.Error(route.NumberSpan, $"{keyword} number {route.Number} is out of range", $"{keyword} numbers go from {low} to {RouteTableSize - 1}");
                continue;
            }

            if (_routes.TryGetValue((route.Kind, route.Number), out var first))
            {
                var name = RouteNames.Of(route.Kind, route.Number);
                _diagnostics.Error(route.Span, $"{name} is defined twice", $"the first definition is at line {first.Span.Line}");
                continue;
            }

            _routes[(route.Kind, route.Number)] = route;
        }

        if (!_routes.ContainsKey((RouteKind.Request, 0)))
        {
            _diagnostics.Error(new SourceSpan(file.File, 1, 1), "the script has no main route", "add route { ... }: it runs for every request");
        }
    }
}

/// <summary>How routes are named in messages: route, route[2], onreply_route[1], failure_route[1].</summary>
internal static class RouteNames
{
    public static string Of(RouteKind kind, int number) => kind switch
    {
        RouteKind.Request when number == 0 => "the main route",
        RouteKind.Request => $"route[{number}]",
        RouteKind.OnReply => $"onreply_route[{number}]",
        _ => $"failure_route[{number}]",
    };

    public static string KindList(RouteKind kinds)
    {
        var names = new List<string>();
        if (kinds.HasFlag(RouteKind.Request))
        {
            names.Add("request routes");
        }

        if (kinds.HasFlag(RouteKind.OnReply))
        {
            names.Add("onreply_route");
        }

        if (kinds.HasFlag(RouteKind.Failure))
        {
            names.Add("failure_route");
        }

        return string.Join(", ", names);
    }
}

/// <summary>The route block being bound and every kind of route it runs in.</summary>
internal sealed record RouteScope(RouteBlock Route, RouteKind Kinds);
