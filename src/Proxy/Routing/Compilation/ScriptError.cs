namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// The last internal error a function met while routing this message; sl_reply_error()
/// turns it into a reply (route-script.md section 5).
/// </summary>
public enum ScriptError
{
    None,
    SendFailed,
    Unresolvable,
    BadUri,
    BadRequest,
    ExternalLogic,
    OutOfMemory,
}
