using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Storage;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.UriDb;

/// <summary>
/// The uri_db module (route-script.md section 5): check_to and check_from guard against a phone
/// that authenticates as one user and registers or calls as another. They need a prior
/// successful www_authorize/proxy_authorize. With use_uri_table 0 the To/From user must equal
/// the digest username (case-insensitive); with 1 the <c>uri</c> table must list the pair.
/// </summary>
internal static class UriDbModule
{
    public static ScriptModule Create() => new(
        "uri_db",
        [
            new F("check_to", [], RouteKind.Request, b => BindCheck(b, to: true)),
            new F("check_from", [], RouteKind.Request, b => BindCheck(b, to: false)),
            F.Declared("does_uri_exist", RouteKind.Request),
        ],
        [
            P.DbUrl(),
            P.Switch("use_uri_table", 0),
            P.Text("uri_table", "uri"),
            P.Text("uri_user_column", "username"),
            P.Text("uri_domain_column", "domain"),
            P.Text("uri_uriuser_column", "uri_user"),
            P.Text("subscriber_table", "subscriber"),
        ]);

    private static ScriptAction BindCheck(FunctionBinding binding, bool to)
    {
        var useUriTable = binding.Settings.GetInteger("use_uri_table") == 1;
        return context => CheckAsync(context, to, useUriTable);
    }

    private static async ValueTask<int> CheckAsync(RouteContext context, bool to, bool useUriTable)
    {
        var sip = (context.Message as SipScriptMessage)?.Sip;
        if (sip is null || context.Authorization is not { IsAuthorized: true } authorization)
        {
            return -1;
        }

        var found = to ? sip.TryGetTo(out var address) : sip.TryGetFrom(out address);
        if (!found || !address.ParsedUri.IsSipOrSips || !address.ParsedUri.User.IsPresent)
        {
            return -1;
        }

        var uriUser = Encoding.UTF8.GetString(sip[address.ParsedUri.User]);
        if (!useUriTable)
        {
            return string.Equals(uriUser, authorization.Username, StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }

        var uris = context.Services.Uris;
        if (uris is null)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        try
        {
            return await uris.ExistsAsync(authorization.Username, authorization.Realm, uriUser).ConfigureAwait(false) ? 1 : -1;
        }
        catch (StorageException)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }
    }
}
