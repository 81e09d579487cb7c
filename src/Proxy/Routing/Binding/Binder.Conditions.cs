using System.Net;
using System.Text;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Binding;

public sealed partial class Binder
{
    /// <summary>SER's BUF_SIZE, the value of max_len (route-script.md 4.3).</summary>
    public const int MaxLength = 65535;

    private static readonly ComparisonOperator[] EqualityOperators = [ComparisonOperator.Equal, ComparisonOperator.NotEqual];
    private static readonly ComparisonOperator[] TextOperators = [ComparisonOperator.Equal, ComparisonOperator.NotEqual, ComparisonOperator.Match];
    private static readonly ComparisonOperator[] AllOperators = Enum.GetValues<ComparisonOperator>();
    private static readonly ComparisonOperator[] NumberOperators = AllOperators.Where(o => o != ComparisonOperator.Match).ToArray();

    private BoundCondition? BindCondition(Expression expression, RouteScope scope)
    {
        switch (expression)
        {
            case NotExpression not:
                return BindCondition(not.Operand, scope) is { } operand ? new BoundNot(operand, not.Span) : null;
            case LogicalExpression logical:
                {
                    var left = BindCondition(logical.Left, scope);
                    var right = BindCondition(logical.Right, scope);
                    return left is null || right is null ? null : new BoundLogical(logical.IsAnd, left, right, logical.Span);
                }

            case CallExpression call:
                return BindCall(call.Call, scope) is { } bound ? new BoundCallCondition(bound, call.Span) : null;
            case Comparison comparison:
                return BindComparison(comparison);
            default:
                throw new InvalidOperationException($"expression {expression.GetType().Name} has no binding");
        }
    }

    private BoundComparison? BindComparison(Comparison comparison)
    {
        var operand = OperandName(comparison.Operand);
        var allowed = comparison.Operand switch
        {
            Operand.Method or Operand.Uri or Operand.FromUri or Operand.ToUri or Operand.SourceIp or Operand.DestinationIp => TextOperators,
            Operand.Protocol or Operand.AddressFamily => EqualityOperators,
            Operand.Status => AllOperators,
            _ => NumberOperators,
        };
        if (Array.IndexOf(allowed, comparison.Operator) < 0)
        {
            _diagnostics.Error(comparison.OperatorSpan, $"operator '{OperatorText(comparison.Operator)}' cannot be used with '{operand}'",
                $"'{operand}' takes {string.Join(", ", allowed.Select(OperatorText))}");
            return null;
        }

        var value = comparison.Value;
        if (comparison.Operator == ComparisonOperator.Match)
        {
            return BindMatch(comparison, operand);
        }

        return comparison.Operand switch
        {
            Operand.Method => BindText(comparison, operand, allowMyself: false),
            Operand.Uri or Operand.FromUri or Operand.ToUri => BindText(comparison, operand, allowMyself: true),
            Operand.Status => BindStatus(comparison, operand),
            Operand.SourceIp or Operand.DestinationIp => BindAddress(comparison, operand),
            Operand.Protocol => BindWord(comparison, operand, ["udp", "tcp", "tls"]),
            Operand.AddressFamily => BindWord(comparison, operand, ["inet", "inet6"]),
            Operand.MessageLength when value.Kind == ValueKind.MaxLength => Make(comparison, ValueKind.Number, number: MaxLength),
            _ => BindNumber(comparison, operand),
        };
    }

    private BoundComparison? BindMatch(Comparison comparison, string operand)
    {
        var value = comparison.Value;
        if (value.Kind != ValueKind.String)
        {
            WrongValue(comparison, operand, "a quoted regular expression");
            return null;
        }

        if (!PosixRegex.TryCompile(value.Text, lineAnchors: false, out var regex, out var error))
        {
            _diagnostics.Error(value.Span, $"bad regular expression \"{value.Text}\": {error}");
            return null;
        }

        return Make(comparison, ValueKind.String, pattern: regex);
    }

    private BoundComparison? BindText(Comparison comparison, string operand, bool allowMyself)
    {
        var value = comparison.Value;
        if (value.Kind == ValueKind.Myself && allowMyself)
        {
            return Make(comparison, ValueKind.Myself);
        }

        if (value.Kind != ValueKind.String)
        {
            WrongValue(comparison, operand, allowMyself ? "a quoted string or myself" : "a quoted string");
            return null;
        }

        return Make(comparison, ValueKind.String, text: Encoding.UTF8.GetBytes(value.Text));
    }

    private BoundComparison? BindStatus(Comparison comparison, string operand)
    {
        var value = comparison.Value;
        var isNumericOperator = comparison.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual);
        if (value.Kind == ValueKind.Number || (value.Kind == ValueKind.String && !isNumericOperator))
        {
            return Make(comparison, value.Kind, text: Encoding.ASCII.GetBytes(value.Text), number: value.Number);
        }

        WrongValue(comparison, operand, isNumericOperator ? "a number" : "a quoted string or a number");
        return null;
    }

    private BoundComparison? BindAddress(Comparison comparison, string operand)
    {
        var value = comparison.Value;
        if (value.Kind == ValueKind.Myself)
        {
            return Make(comparison, ValueKind.Myself);
        }

        var text = value.Text;
        var mask = value.MaskBits;
        if (value.Kind == ValueKind.String && text.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
        {
            mask = int.TryParse(text.AsSpan(slash + 1), out var bits) ? bits : -1;
            text = text[..slash];
        }

        if (value.Kind is not (ValueKind.Address or ValueKind.String) || !IPAddress.TryParse(text, out var address))
        {
            WrongValue(comparison, operand, "an IP address (optionally /mask) or myself");
            return null;
        }

        var width = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (mask is { } m && (m < 0 || m > width))
        {
            _diagnostics.Error(value.Span, $"mask /{m} is not valid for {text}", $"the mask is a bit count from 0 to {width}");
            return null;
        }

        return Make(comparison, ValueKind.Address, address: address, mask: mask ?? width);
    }

    private BoundComparison? BindWord(Comparison comparison, string operand, string[] words)
    {
        var value = comparison.Value;
        var word = value.Text.ToLowerInvariant();
        if (value.Kind is not (ValueKind.Word or ValueKind.String) || Array.IndexOf(words, word) < 0)
        {
            WrongValue(comparison, operand, string.Join(" or ", words));
            return null;
        }

        return Make(comparison, ValueKind.Word, number: Array.IndexOf(words, word));
    }

    private BoundComparison? BindNumber(Comparison comparison, string operand)
    {
        if (comparison.Value.Kind != ValueKind.Number)
        {
            WrongValue(comparison, operand, comparison.Operand == Operand.MessageLength ? "a number or max_len" : "a number");
            return null;
        }

        return Make(comparison, ValueKind.Number, number: comparison.Value.Number);
    }

    private void WrongValue(Comparison comparison, string operand, string expected)
    {
        var value = comparison.Value;
        var found = value.Kind switch
        {
            ValueKind.String => $"\"{value.Text}\"",
            ValueKind.Word => $"'{value.Text}'",
            _ => value.Text,
        };
        var hint = value.Kind == ValueKind.Word && comparison.Operand is Operand.Method or Operand.Uri ? $"put it in quotes: \"{value.Text}\"" : null;
        _diagnostics.Error(value.Span, $"'{operand} {OperatorText(comparison.Operator)}' needs {expected}, not {found}", hint);
    }

    private static BoundComparison Make(Comparison comparison, ValueKind kind, byte[]? text = null, long number = 0,
        System.Text.RegularExpressions.Regex? pattern = null, IPAddress? address = null, int mask = 0) =>
        new(comparison.Operand, comparison.Operator, kind, text ?? [], number, pattern, address, mask, comparison.Span);

    internal static string OperandName(Operand operand) => operand switch
    {
        Operand.Method => "method",
        Operand.Uri => "uri",
        Operand.Status => "status",
        Operand.FromUri => "from_uri",
        Operand.ToUri => "to_uri",
        Operand.SourceIp => "src_ip",
        Operand.SourcePort => "src_port",
        Operand.DestinationIp => "dst_ip",
        Operand.DestinationPort => "dst_port",
        Operand.Protocol => "proto",
        Operand.AddressFamily => "af",
        _ => "msg:len",
    };

    internal static string OperatorText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "==",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Match => "=~",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.Less => "<",
        ComparisonOperator.GreaterOrEqual => ">=",
        _ => "<=",
    };
}
