using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;

namespace NatEdge.Proxy.Modules.Sl;

/// <summary>Stateless replies: sl_send_reply and sl_reply_error (route-script.md section 5).</summary>
internal static class SlModule
{
    public static ScriptModule Create() => new(
        "sl",
        [
            new("sl_send_reply", [new("code", Integer), new("reason", Text)], RouteKind.Request, BindSendReply, ValidateSendReply),
            new("sl_reply_error", [], RouteKind.Request, _ => ReplyError),
        ],
        []);

    private static void ValidateSendReply(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var code = binding.Arguments[0];
        if (code.Integer is < 100 or > 699)
        {
            diagnostics.Error(code.Span, $"reply code {code.Integer} is not between 100 and 699");
        }

        if (binding.Arguments[1].Text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            diagnostics.Error(binding.Arguments[1].Span, "the reason phrase must not contain line breaks");
        }
    }

    private static ScriptAction BindSendReply(FunctionBinding binding)
    {
        var code = (int)binding.Arguments[0].Integer;
        var reason = Encoding.UTF8.GetBytes(binding.Arguments[1].Text);
        return context => Send(context, code, reason);
    }

    private static ValueTask<int> ReplyError(RouteContext context)
    {
        var (code, reason) = StatelessErrorReplies.For(context.LastError);
        return Send(context, code, reason);
    }

    private static ValueTask<int> Send(RouteContext context, int code, byte[] reason)
    {
        // A reply to an ACK is never sent (RFC 3261 17.1.1.3: ACK has no response).
        var message = context.Message;
        if (!message.IsRequest || message.Method.SequenceEqual("ACK"u8))
        {
            return new ValueTask<int>(-1);
        }

        var pending = context.Replies.SendStatelessReplyAsync(context, code, reason);
        return pending.IsCompletedSuccessfully ? new ValueTask<int>(pending.Result ? 1 : -1) : AwaitAsync(pending);

        static async ValueTask<int> AwaitAsync(ValueTask<bool> pending) => await pending.ConfigureAwait(false) ? 1 : -1;
    }
}
