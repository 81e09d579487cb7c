using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules;

/// <summary>
/// Stateless replies that module functions send themselves (save()'s 200 OK with the contact
/// list, challenges, errors), with SER's return convention for a function that answered.
/// </summary>
internal static class ScriptReplies
{
    private static readonly byte[] InternalError = "Server Internal Error"u8.ToArray();

    public static async ValueTask<bool> SendAsync(RouteContext context, int code, byte[] reason, byte[]? extraHeaders = null) =>
        context.Message.IsRequest && !context.Message.Method.SequenceEqual("ACK"u8)
        && await context.Replies.SendStatelessReplyAsync(context, code, reason, extraHeaders).ConfigureAwait(false);

    /// <summary>
    /// A table the function needs could not be read: answer 500 and return 0, so the script stops
    /// here as after SER's auth_db and registrar, which reply 500 themselves on a database error.
    /// </summary>
    public static async ValueTask<int> ServerErrorAsync(RouteContext context)
    {
        context.LastError = ScriptError.ExternalLogic;
        await SendAsync(context, 500, InternalError).ConfigureAwait(false);
        return 0;
    }
}
