using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;

namespace NatEdge.Proxy.Modules.TextOps;

/// <summary>
/// Header and text operations on the message (route-script.md section 5, textops).
/// search() reads the message as received; the header functions edit through the message's splices.
/// </summary>
internal static class TextOpsModule
{
    public static ScriptModule Create() => new(
        "textops",
        [
            new("search", [new("re", Regex)], RouteKind.Any, BindSearch),
            new("append_hf", [new("header", Text)], RouteKind.Any, BindAppend, ValidateAppend),
            new("remove_hf", [new("name", Text)], RouteKind.Any, BindRemove, ValidateHeaderName),
            new("is_present_hf", [new("name", Text)], RouteKind.Any, BindIsPresent, ValidateHeaderName),
            ModuleFunction.Declared("search_append", RouteKind.RequestAndFailure, new FunctionParameter("re", Regex), new FunctionParameter("text", Text)),
            ModuleFunction.Declared("replace", RouteKind.RequestAndFailure, new FunctionParameter("re", Regex), new FunctionParameter("text", Text)),
            ModuleFunction.Declared("replace_all", RouteKind.RequestAndFailure, new FunctionParameter("re", Regex), new FunctionParameter("text", Text)),
            new("append_to_reply", [new("header", Text)], RouteKind.Request, BindAppendToReply, ValidateAppend),
            ModuleFunction.Declared("append_urihf", RouteKind.RequestAndFailure, new FunctionParameter("prefix", Text), new FunctionParameter("suffix", Text)),
        ],
        []);

    private static ScriptAction BindSearch(FunctionBinding binding)
    {
        var pattern = binding.Arguments[0].Pattern!;
        return context => new ValueTask<int>(pattern.IsMatch(context.OriginalText) ? 1 : -1);
    }

    private static void ValidateAppend(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var header = binding.Arguments[0];
        var colon = header.Text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            diagnostics.Error(header.Span, $"{binding.Call.Name} needs a whole header line 'Name: value\\r\\n'");
        }
        else if (!header.Text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            diagnostics.Error(header.Span, $"{binding.Call.Name}'s header must end with \\r\\n", $"write {binding.Call.Name}(\"{header.Text}\\r\\n\")");
        }
    }

    private static void ValidateHeaderName(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var name = binding.Arguments[0];
        if (name.Text.Length == 0 || name.Text.AsSpan().IndexOfAny(": \t\r\n") >= 0)
        {
            diagnostics.Error(name.Span, $"'{name.Text}' is not a header name", $"{binding.Call.Name} takes the name alone, e.g. \"User-Agent\"");
        }
    }

    private static ScriptAction BindAppend(FunctionBinding binding)
    {
        var line = Encoding.UTF8.GetBytes(binding.Arguments[0].Text);
        return context =>
        {
            context.Message.AppendHeaderLine(line);
            return new ValueTask<int>(1);
        };
    }

    /// <summary>append_to_reply: the line goes into the next reply the script sends for this request.</summary>
    private static ScriptAction BindAppendToReply(FunctionBinding binding)
    {
        var line = Encoding.UTF8.GetBytes(binding.Arguments[0].Text);
        return context =>
        {
            context.AppendReplyHeader(line);
            return new ValueTask<int>(1);
        };
    }

    private static ScriptAction BindRemove(FunctionBinding binding)
    {
        var name = Encoding.ASCII.GetBytes(binding.Arguments[0].Text);
        return context => new ValueTask<int>(context.Message.RemoveHeaders(name) > 0 ? 1 : -1);
    }

    private static ScriptAction BindIsPresent(FunctionBinding binding)
    {
        var name = Encoding.ASCII.GetBytes(binding.Arguments[0].Text);
        return context => new ValueTask<int>(context.Message.TryGetHeader(name, out _) ? 1 : -1);
    }
}
