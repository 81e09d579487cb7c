using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The auth module (route-script.md section 5): www_challenge answers 401 with WWW-Authenticate,
/// proxy_challenge 407 with Proxy-Authenticate, one header per configured algorithm (SHA-256
/// first, RFC 8760 section 2.4), stale=true when the credentials were right but their nonce had
/// expired; both return 0, which stops the route. consume_credentials removes the accepted
/// credentials before the request is relayed.
/// </summary>
internal static class AuthModule
{
    private static readonly byte[] Unauthorized = "Unauthorized"u8.ToArray();
    private static readonly byte[] ProxyAuthenticationRequired = "Proxy Authentication Required"u8.ToArray();

    public static ScriptModule Create() => new(
        "auth",
        [
            new F("www_challenge", [new("realm", Text), new("qop", Integer)], RouteKind.Request, b => BindChallenge(b, proxy: false), ValidateQop),
            new F("proxy_challenge", [new("realm", Text), new("qop", Integer)], RouteKind.Request, b => BindChallenge(b, proxy: true), ValidateQop),
            new F("consume_credentials", [], RouteKind.Request, _ => ConsumeCredentials),
        ],
        [
            // SER picks a random secret at start when none is set; empty means exactly that.
            P.Text("secret", string.Empty),
            P.Int("nonce_expire", 300) with { Minimum = 1 },
            // Kamailio's names: the challenge algorithms ("MD5", "SHA-256" or both, comma-separated) and one-time nonces.
            P.Text("algorithm", "MD5"),
            P.Switch("one_time_nonce", 0),
        ]);

    /// <summary>The algorithms an <c>algorithm</c> modparam names, SHA-256 first; null when one is unknown.</summary>
    public static DigestAlgorithm[]? ParseAlgorithms(string text)
    {
        var algorithms = new List<DigestAlgorithm>();
        foreach (var token in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!DigestAlgorithms.TryParse(token, out var algorithm) || algorithm.IsSession())
            {
                return null;
            }

            if (!algorithms.Contains(algorithm))
            {
                algorithms.Add(algorithm);
            }
        }

        return algorithms.Count == 0 ? null : [.. algorithms.OrderBy(a => a == DigestAlgorithm.Sha256 ? 0 : 1)];
    }

    private static void ValidateQop(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var qop = binding.Arguments[1];
        if (qop.Integer is not (0 or 1))
        {
            diagnostics.Error(qop.Span, $"{binding.Call.Name}'s qop is \"0\" (none) or \"1\" (qop=auth), not \"{qop.Text}\"");
        }

        if (ParseAlgorithms(binding.Settings.GetText("algorithm")) is null)
        {
            diagnostics.Error(binding.Call.Span, $"auth algorithm '{binding.Settings.GetText("algorithm")}' is not MD5, SHA-256 or both", "modparam(\"auth\", \"algorithm\", \"SHA-256,MD5\")");
        }
    }

    private static ScriptAction BindChallenge(FunctionBinding binding, bool proxy)
    {
        var realm = binding.Arguments[0].Text;
        var qop = binding.Arguments[1].Integer == 1;
        var algorithms = ParseAlgorithms(binding.Settings.GetText("algorithm")) ?? [DigestAlgorithm.Md5];
        var header = proxy ? "Proxy-Authenticate: " : "WWW-Authenticate: ";
        var code = proxy ? 407 : 401;
        var reason = proxy ? ProxyAuthenticationRequired : Unauthorized;
        return async context =>
        {
            var sip = (context.Message as SipScriptMessage)?.Sip;
            var nonces = context.Services.Nonces;
            var resolved = sip is null ? null : AuthRealm.Resolve(realm, sip);
            if (nonces is null || resolved is null)
            {
                return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
            }

            var stale = context.Authorization?.Outcome.Answer() == DigestAnswer.ChallengeStale;
            var lines = new StringBuilder(256);
            foreach (var algorithm in algorithms)
            {
                lines.Append(header).Append(DigestChallenge.Format(resolved, nonces.Issue(), algorithm, qop, stale)).Append("\r\n");
            }

            await ScriptReplies.SendAsync(context, code, reason, Encoding.UTF8.GetBytes(lines.ToString())).ConfigureAwait(false);
            Telemetry.ProxyMetrics.AuthChallenged();
            return 0;
        };
    }

    private static ValueTask<int> ConsumeCredentials(RouteContext context)
    {
        var sip = (context.Message as SipScriptMessage)?.Sip;
        if (sip is null || context.Authorization is not { IsAuthorized: true } authorization)
        {
            return new ValueTask<int>(-1);
        }

        SipMessageWriter.RemoveHeader(sip, authorization.HeaderIndex);
        return new ValueTask<int>(1);
    }
}
