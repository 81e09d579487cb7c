using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Storage.Schema;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The auth_db module: www_authorize checks Authorization, proxy_authorize Proxy-Authorization,
/// against the subscriber table through <see cref="DigestVerifier"/>. True when verified; false
/// when absent, wrong, unknown or stale, and the script then challenges. Malformed credentials
/// are answered 400 and a database that is down 500 by the function itself, which then returns 0
/// (SER's auth_db does the same).
/// </summary>
internal static class AuthDbModule
{
    private static readonly byte[] BadRequest = "Bad Request"u8.ToArray();

    public static ScriptModule Create() => new(
        "auth_db",
        [
            new F("www_authorize", [new("realm", Text), new("table", Text)], RouteKind.Request, b => BindAuthorize(b, HeaderId.Authorization), ValidateTable),
            new F("proxy_authorize", [new("realm", Text), new("table", Text)], RouteKind.Request, b => BindAuthorize(b, HeaderId.ProxyAuthorization), ValidateTable),
        ],
        [
            P.DbUrl(),
            P.Switch("calculate_ha1", 0),
            P.Text("password_column", "ha1"),
            P.Text("password_column_2", "ha1b"),
            P.Text("user_column", "username"),
            P.Text("domain_column", "domain"),
            P.Switch("use_rpid", 0),
            P.Text("rpid_column", "rpid"),
            // NatEdge: 1 requires the digest uri to equal the Request-URI (phones and SIPp often send the proxy's address).
            P.Switch("check_digest_uri", 0),
        ],
        ["auth"]);

    private static void ValidateTable(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var table = binding.Arguments[1];
        if (table.Text != KamailioSchema.SubscriberTable)
        {
            diagnostics.Error(table.Span, $"{binding.Call.Name} reads credentials from \"subscriber\", not '{table.Text}'");
        }

        foreach (var name in new[] { "password_column", "password_column_2" })
        {
            var column = binding.Settings.GetText(name);
            if (!AuthDbOptions.KnownColumns.Contains(column, StringComparer.OrdinalIgnoreCase))
            {
                diagnostics.Error(binding.Call.Span, $"auth_db {name} '{column}' is not one of {string.Join(", ", AuthDbOptions.KnownColumns)}");
            }
        }
    }

    private static ScriptAction BindAuthorize(FunctionBinding binding, HeaderId header)
    {
        var realm = binding.Arguments[0].Text;
        var strictUri = binding.Settings.GetInteger("check_digest_uri") == 1;
        return context => AuthorizeAsync(context, realm, header, strictUri);
    }

    private static async ValueTask<int> AuthorizeAsync(RouteContext context, string configuredRealm, HeaderId header, bool strictUri)
    {
        var sip = (context.Message as SipScriptMessage)?.Sip;
        var verifier = context.Services.Digest;
        if (sip is null || verifier is null)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        var realm = AuthRealm.Resolve(configuredRealm, sip);
        if (realm is null || !sip.TryFindCredentials(header, Encoding.UTF8.GetBytes(realm), out var found, out var index))
        {
            return -1;
        }

        var credentials = Read(sip, found);
        var method = Encoding.ASCII.GetString(sip[sip.MethodName]);
        var outcome = strictUri && !credentials.Uri.AsSpan().SequenceEqual(Encoding.UTF8.GetString(context.Message.RequestUri))
            ? DigestOutcome.Malformed
            : await verifier.VerifyAsync(credentials, method, realm).ConfigureAwait(false);
        var user = credentials.Username;
        var at = user.IndexOf('@', StringComparison.Ordinal);
        context.Authorization = new AuthorizationResult(outcome, index, at < 0 ? user : user[..at], realm);
        var answer = outcome.Answer();
        if (answer != DigestAnswer.ServerError)
        {
            // A database that is down is neither: it shows in the database errors.
            Telemetry.ProxyMetrics.AuthVerified(answer == DigestAnswer.Proceed);
        }

        switch (answer)
        {
            case DigestAnswer.Proceed:
                return 1;
            case DigestAnswer.BadRequest:
                context.LastError = ScriptError.BadRequest;
                await ScriptReplies.SendAsync(context, 400, BadRequest).ConfigureAwait(false);
                return 0;
            case DigestAnswer.ServerError:
                return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
            default:
                return -1;
        }
    }

    private static DigestCredentials Read(SipMessage sip, Sip.Message.DigestCredentials found) => new()
    {
        Username = TextOf(sip, found.Username) ?? "",
        Realm = TextOf(sip, found.Realm) ?? "",
        Nonce = TextOf(sip, found.Nonce) ?? "",
        Uri = TextOf(sip, found.Uri) ?? "",
        Response = TextOf(sip, found.Response) ?? "",
        Algorithm = TextOf(sip, found.Algorithm),
        Qop = TextOf(sip, found.Qop),
        NonceCount = TextOf(sip, found.NonceCount),
        CNonce = TextOf(sip, found.Cnonce),
        Opaque = TextOf(sip, found.Opaque),
    };

    private static string? TextOf(SipMessage sip, TextRange range) => range.IsPresent ? Encoding.UTF8.GetString(sip[range]) : null;
}
