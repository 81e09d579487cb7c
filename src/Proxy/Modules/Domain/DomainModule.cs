using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Storage;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.Domain;

/// <summary>
/// The domain module: is_uri_host_local and is_from_local are true when the Request-URI's or
/// the From URI's host is in the <c>domain</c> table (case-insensitive, as domain names are).
/// </summary>
internal static class DomainModule
{
    public static ScriptModule Create() => new(
        "domain",
        [
            new ModuleFunction("is_from_local", [], RouteKind.Request, _ => context => IsLocalAsync(context, FromHost(context))),
            new ModuleFunction("is_uri_host_local", [], RouteKind.RequestAndFailure, _ => context => IsLocalAsync(context, RequestUriHost(context))),
        ],
        [
            P.DbUrl(),
            P.Switch("db_mode", 0),
            P.Text("domain_table", "domain"),
            P.Text("domain_column", "domain"),
        ]);

    private static string? FromHost(RouteContext context)
    {
        var sip = (context.Message as SipScriptMessage)?.Sip;
        return sip is not null && sip.TryGetFrom(out var from) && from.ParsedUri.IsSipOrSips
            ? Encoding.UTF8.GetString(sip[from.ParsedUri.Host])
            : null;
    }

    private static string? RequestUriHost(RouteContext context)
    {
        var uri = context.Message.RequestUri;
        return SipUriParser.TryParse(uri, new TextRange(0, uri.Length), out var parsed) && parsed.IsSipOrSips
            ? Encoding.UTF8.GetString(uri[parsed.Host.Offset..parsed.Host.End])
            : null;
    }

    private static async ValueTask<int> IsLocalAsync(RouteContext context, string? host)
    {
        var domains = context.Services.Domains;
        if (domains is null)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        if (host is null)
        {
            return -1;
        }

        try
        {
            return await domains.ExistsAsync(host.ToLowerInvariant()).ConfigureAwait(false) ? 1 : -1;
        }
        catch (StorageException)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }
    }
}
