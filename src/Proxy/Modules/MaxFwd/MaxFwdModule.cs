using System.Buffers.Text;
using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;

namespace NatEdge.Proxy.Modules.MaxFwd;

/// <summary>
/// mf_process_maxfwd_header (route-script.md section 5, RFC 3261 16.3 step 3 and 16.6 step 3):
/// add Max-Forwards when missing, fail at 0, otherwise decrement, never above max_limit.
/// </summary>
internal static class MaxFwdModule
{
    /// <summary>maxfwd's default max_limit (SER 0.9 module).</summary>
    public const long DefaultMaxLimit = 16;

    private const int Largest = 255;

    public static ScriptModule Create() => new(
        "maxfwd",
        [new("mf_process_maxfwd_header", [new("max_value", Integer)], RouteKind.Request, Bind, Validate)],
        [ModuleParameter.Int("max_limit", DefaultMaxLimit) with { Minimum = 1, Maximum = Largest }]);

    private static void Validate(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var value = binding.Arguments[0];
        var limit = binding.Settings.GetInteger("max_limit");
        if (value.Integer is < 1 or > Largest)
        {
            diagnostics.Error(value.Span, $"mf_process_maxfwd_header needs a value from 1 to {Largest}, not {value.Integer}");
        }
        else if (value.Integer > limit)
        {
            diagnostics.Error(value.Span, $"mf_process_maxfwd_header value {value.Integer} is above maxfwd's max_limit {limit}", "lower the value or raise modparam(\"maxfwd\", \"max_limit\", ...)");
        }
    }

    private static ScriptAction Bind(FunctionBinding binding)
    {
        var added = Encoding.ASCII.GetBytes($"Max-Forwards: {binding.Arguments[0].Integer}\r\n");
        var limit = binding.Settings.GetInteger("max_limit");
        return context => new ValueTask<int>(Process(context.Message, added, limit));
    }

    private static int Process(IScriptMessage message, byte[] added, long limit)
    {
        if (!message.TryGetHeader("Max-Forwards"u8, out var value))
        {
            message.AppendHeaderLine(added);
            return 1;
        }

        var trimmed = value.Trim(" \t"u8);
        if (!Utf8Parser.TryParse(trimmed, out uint current, out var consumed) || consumed != trimmed.Length)
        {
            // SER leaves an unparsable value alone and lets the request through.
            return 1;
        }

        if (current == 0)
        {
            return -1;
        }

        var next = Math.Min(current - 1, limit);
        Span<byte> digits = stackalloc byte[10];
        Utf8Formatter.TryFormat((uint)next, digits, out var written);
        message.ReplaceHeaderValue("Max-Forwards"u8, digits[..written]);
        return 1;
    }
}
