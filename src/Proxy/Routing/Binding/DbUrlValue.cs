using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Storage;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>
/// A db_url written in a script (a modparam or fifo_db_url), checked by the storage layer's own
/// parser so the script is refused for exactly the URLs the store could not open.
/// </summary>
internal static class DbUrlValue
{
    public static bool Check(string text, SourceSpan span, ScriptDiagnostics diagnostics)
    {
        if (DbUrl.TryParse(text, out _, out var error))
        {
            return true;
        }

        diagnostics.Error(span, $"bad database URL '{text}': {DbUrl.Problem(error)}", DbUrl.Forms);
        return false;
    }
}
