using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>Checks a modparam value against the parameter's declared type and range.</summary>
internal static class ModuleParameterValue
{
    public static object? Convert(string module, ModuleParameter parameter, Literal value, ScriptDiagnostics diagnostics)
    {
        if (parameter.Type == ParameterType.Integer)
        {
            if (value.Kind != LiteralKind.Number)
            {
                var example = long.TryParse(value.Text, System.Globalization.CultureInfo.InvariantCulture, out var written) ? written : (long)parameter.Default;
                diagnostics.Error(value.Span, $"parameter '{parameter.Name}' of module '{module}' needs a number, not a string",
                    $"write the number without quotes: modparam(\"{module}\", \"{parameter.Name}\", {example})");
                return null;
            }

            if (value.Number < parameter.Minimum || value.Number > parameter.Maximum)
            {
                diagnostics.Error(value.Span, $"parameter '{parameter.Name}' of module '{module}' must be {RangeText(parameter)}, not {value.Number}");
                return null;
            }

            return value.Number;
        }

        if (value.Kind != LiteralKind.String)
        {
            diagnostics.Error(value.Span, $"parameter '{parameter.Name}' of module '{module}' needs a string, not a number",
                $"put the value in quotes: modparam(\"{module}\", \"{parameter.Name}\", \"{value.Text}\")");
            return null;
        }

        if (parameter.IsDbUrl && !DbUrlValue.Check(value.Text, value.Span, diagnostics))
        {
            return null;
        }

        return value.Text;
    }

    private static string RangeText(ModuleParameter parameter) =>
        parameter.Maximum == long.MaxValue ? $"at least {parameter.Minimum}" : $"from {parameter.Minimum} to {parameter.Maximum}";
}
