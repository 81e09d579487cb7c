using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules.Sl;

/// <summary>
/// The one place where an internal error becomes a reply for sl_reply_error(),
/// with SER's codes (route-script.md section 5) and NatEdge's own reason phrases.
/// </summary>
internal static class StatelessErrorReplies
{
    private static readonly byte[] SendFailed = "Sending To Next Hop Failed"u8.ToArray();
    private static readonly byte[] Unresolvable = "Unresolvable Destination"u8.ToArray();
    private static readonly byte[] BadUri = "Bad Request-URI"u8.ToArray();
    private static readonly byte[] BadRequest = "Bad Request"u8.ToArray();
    private static readonly byte[] InternalError = "Server Internal Error"u8.ToArray();

    public static (int Code, byte[] Reason) For(ScriptError error) => error switch
    {
        ScriptError.SendFailed => (477, SendFailed),
        ScriptError.Unresolvable => (478, Unresolvable),
        ScriptError.BadUri => (479, BadUri),
        ScriptError.BadRequest => (400, BadRequest),
        _ => (500, InternalError),
    };
}
