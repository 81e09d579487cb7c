using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules.Uri;

/// <summary>
/// has_totag() (uri module, route-script.md section 5): true when the To header carries a tag,
/// which marks a request sent inside an established dialog (RFC 3261 section 12.2.1.1).
/// </summary>
internal static class HasToTag
{
    private static readonly ValueTask<int> True = new(1);
    private static readonly ValueTask<int> False = new(-1);

    public static ScriptAction Bind(FunctionBinding binding) => Run;

    private static ValueTask<int> Run(RouteContext context)
    {
        var sip = (context.Message as SipScriptMessage)?.Sip;
        return sip is not null && sip.TryGetTo(out var to) && to.Tag.IsPresent ? True : False;
    }
}
