using System.Globalization;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

public sealed partial class Binder
{
    private BoundBlock BindBlock(Block block, RouteScope scope)
    {
        var statements = new List<BoundStatement>(block.Statements.Count);
        foreach (var statement in block.Statements)
        {
            if (BindStatement(statement, scope) is { } bound)
            {
                statements.Add(bound);
            }
        }

        return new BoundBlock(statements, block.Span);
    }

    private BoundStatement? BindStatement(Statement statement, RouteScope scope)
    {
        switch (statement)
        {
            case Block block:
                return BindBlock(block, scope);
            case IfStatement conditional:
                {
                    var condition = BindCondition(conditional.Condition, scope);
                    var then = BindStatement(conditional.Then, scope);
                    var otherwise = conditional.Else is null ? null : BindStatement(conditional.Else, scope);
                    return condition is null || then is null ? null : new BoundIf(condition, then, otherwise, conditional.Span);
                }

            case CallStatement call:
                return BindCall(call.Call, scope);
            case RouteCallStatement routeCall:
                return BindRouteCall(routeCall);
            case BreakStatement exit:
                return new BoundBreak(exit.IsDrop, exit.Span);
            case ReturnStatement ret:
                return new BoundReturn(ret.Value, ret.Span);
            case ExitStatement exit:
                return new BoundExit(exit.Span);
            default:
                throw new InvalidOperationException($"statement {statement.GetType().Name} has no binding");
        }
    }

    private BoundRouteCall? BindRouteCall(RouteCallStatement call)
    {
        if (call.Number is < 0 or >= RouteTableSize)
        {
            _diagnostics.Error(call.NumberSpan, $"route({call.Number}) is out of range", $"route numbers go from 0 to {RouteTableSize - 1}");
            return null;
        }

        if (!_routes.ContainsKey((RouteKind.Request, call.Number)))
        {
            _diagnostics.Error(call.NumberSpan, $"route({call.Number}) calls a route that is not defined", $"define route[{call.Number}] {{ ... }}");
            return null;
        }

        return new BoundRouteCall(call.Number, call.Span);
    }

    private BoundCall? BindCall(Call call, RouteScope scope)
    {
        var (module, candidates) = ResolveFunction(call);
        if (module is null)
        {
            return null;
        }

        var function = candidates.FirstOrDefault(f => call.Arguments.Count >= f.RequiredCount && call.Arguments.Count <= f.Parameters.Count);
        if (function is null)
        {
            ReportArity(call, candidates);
            return null;
        }

        var arguments = new List<BoundArgument>(call.Arguments.Count);
        var argumentsOk = true;
        for (var i = 0; i < call.Arguments.Count; i++)
        {
            var argument = BindArgument(call, i, function.Parameters[i]);
            argumentsOk &= argument is not null;
            if (argument is not null)
            {
                arguments.Add(argument);
            }
        }

        var forbidden = scope.Kinds & ~function.AllowedRoutes;
        if (forbidden != RouteKind.None)
        {
            ReportRouteKind(call, function, scope, forbidden);
            return null;
        }

        if (!argumentsOk)
        {
            return null;
        }

        var binding = new FunctionBinding(call, arguments, scope.Kinds, _loaded[module.Name], _settings, _definedRoutes);
        var errorsBefore = _diagnostics.Items.Count;
        function.Validate?.Invoke(binding, _diagnostics);
        if (_diagnostics.Items.Count != errorsBefore)
        {
            return null;
        }

        if (!function.IsImplemented)
        {
            _diagnostics.Error(call.Span, $"function '{call.Name}' (module {module.Name}) is not implemented yet");
            return null;
        }

        return new BoundCall(function, binding, call.Span);
    }

    /// <summary>Finds the module among the loaded ones that exports the name, or reports why none does.</summary>
    private (ScriptModule? Module, List<ModuleFunction> Candidates) ResolveFunction(Call call)
    {
        if (call.Name == "route")
        {
            _diagnostics.Error(call.Span, "route(N) is a statement and cannot be used as a condition",
                "call route(N) on its own line and test a flag it sets");
            return (null, []);
        }

        foreach (var settings in _loaded.Values)
        {
            var candidates = settings.Module.Functions.Where(f => f.Name == call.Name).ToList();
            if (candidates.Count > 0)
            {
                return (settings.Module, candidates);
            }
        }

        var provider = _registry.Modules.FirstOrDefault(m => m.FindFunction(call.Name) is not null);
        if (provider is not null)
        {
            _diagnostics.Error(call.Span, $"function '{call.Name}' needs loadmodule \"{provider.Name}.so\"", $"add loadmodule \"/usr/local/lib/ser/modules/{provider.Name}.so\"");
            return (null, []);
        }

        var known = _registry.Modules.SelectMany(m => m.Functions).Select(f => f.Name).Distinct();
        var suggestion = NameSuggestion.Closest(call.Name, known);
        _diagnostics.Error(call.Span, $"unknown function '{call.Name}'", suggestion is null ? "is a loadmodule missing?" : $"did you mean '{suggestion}'?");
        return (null, []);
    }

    private void ReportArity(Call call, List<ModuleFunction> candidates)
    {
        var counts = candidates.SelectMany(f => Enumerable.Range(f.RequiredCount, f.Parameters.Count - f.RequiredCount + 1)).Distinct().Order().ToList();
        var expected = counts.Count == 1 ? Plural(counts[0]) : $"{string.Join(", ", counts.SkipLast(1))} or {Plural(counts[^1])}";
        var given = call.Arguments.Count;
        _diagnostics.Error(call.Span, $"'{call.Name}' takes {expected} but was given {given}",
            $"write {string.Join(" or ", candidates.Select(f => f.Signature))}");
    }

    private static string Plural(int count) => count switch
    {
        0 => "no arguments",
        1 => "1 argument",
        _ => $"{count} arguments",
    };

    private void ReportRouteKind(Call call, ModuleFunction function, RouteScope scope, RouteKind forbidden)
    {
        var where = forbidden.HasFlag(RouteKind.OnReply) ? "onreply_route" : forbidden.HasFlag(RouteKind.Failure) ? "failure_route" : "a request route";
        var allowed = $"'{call.Name}' may be called in: {RouteNames.KindList(function.AllowedRoutes)}";
        if (scope.Route.Kind == RouteKind.Request && scope.Route.Number != 0 && (forbidden & ~RouteKind.Request) != RouteKind.None)
        {
            _diagnostics.Error(call.Span, $"'{call.Name}' cannot be called in {where}, and route[{scope.Route.Number}] is called from one", allowed);
            return;
        }

        _diagnostics.Error(call.Span, $"'{call.Name}' cannot be called in {RouteNames.Of(scope.Route.Kind, scope.Route.Number)}", allowed);
    }

    private BoundArgument? BindArgument(Call call, int index, FunctionParameter parameter)
    {
        var literal = call.Arguments[index];
        var position = $"argument {index + 1} ({parameter.Name}) of '{call.Name}'";
        switch (parameter.Kind)
        {
            case ArgumentKind.Text:
                if (literal.Kind != LiteralKind.String)
                {
                    _diagnostics.Error(literal.Span, $"{position} must be a quoted string", $"write \"{literal.Text}\"");
                    return null;
                }

                return new BoundArgument(literal, parameter.Kind, 0, null);
            case ArgumentKind.Integer or ArgumentKind.Flag:
                {
                    long number;
                    if (literal.Kind == LiteralKind.Number)
                    {
                        number = literal.Number;
                    }
                    else if (!long.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                    {
                        _diagnostics.Error(literal.Span, $"{position} must be a number, not \"{literal.Text}\"");
                        return null;
                    }

                    if (parameter.Kind == ArgumentKind.Flag && number is < 0 or > Modules.Core.FlagActions.MaxFlag)
                    {
                        _diagnostics.Error(literal.Span, $"flag {number} is out of range", $"flags go from 0 to {Modules.Core.FlagActions.MaxFlag}");
                        return null;
                    }

                    return new BoundArgument(literal, parameter.Kind, number, null);
                }

            case ArgumentKind.Regex:
                if (literal.Kind != LiteralKind.String)
                {
                    _diagnostics.Error(literal.Span, $"{position} must be a quoted regular expression");
                    return null;
                }

                if (!PosixRegex.TryCompile(literal.Text, lineAnchors: true, out var regex, out var error))
                {
                    _diagnostics.Error(literal.Span, $"bad regular expression \"{literal.Text}\": {error}");
                    return null;
                }

                return new BoundArgument(literal, parameter.Kind, 0, regex);
            default:
                throw new InvalidOperationException($"argument kind {parameter.Kind} has no binding");
        }
    }
}
