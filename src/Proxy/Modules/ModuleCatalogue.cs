using NatEdge.Proxy.Modules.Core;
using NatEdge.Proxy.Modules.MaxFwd;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Sl;
using NatEdge.Proxy.Modules.TextOps;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules;

/// <summary>
/// Every module the guide's scripts load (route-script.md sections 3-5), with the
/// functions, arities, route kinds and parameters of their SER 0.9 versions.
/// Modules whose implementation has not landed are declared here with their
/// functions unbound (<see cref="F.Declared"/>), so scripts still bind and
/// <c>check</c> names each call that cannot run yet. A module's own folder
/// replaces its declaration here when it lands.
/// </summary>
internal static class ModuleCatalogue
{
    public static IEnumerable<ScriptModule> All() =>
    [
        CoreModule.Create(),
        SlModule.Create(),
        MaxFwdModule.Create(),
        TextOpsModule.Create(),
        TmModule.Create(),
        RrModule.Create(),
        Usrloc(),
        Registrar(),
        new ScriptModule("mysql", [], []),
        Auth(),
        AuthDb(),
        Uri(),
        UriDb(),
        Domain(),
        NatHelper(),
        MediaProxyModule.Create(),
    ];

    private static ScriptModule Usrloc() => new(
        "usrloc",
        [],
        [
            // 0 memory, 1 write-through, 2 write-back, 3 database only (NatEdge, as Kamailio).
            P.Int("db_mode", 0) with { Minimum = 0, Maximum = 3 },
            P.DbUrl(),
            P.Int("timer_interval", 60) with { Minimum = 1 },
        ]);

    private static ScriptModule Registrar() => new(
        "registrar",
        [
            F.Declared("save", RouteKind.Request, new FunctionParameter("table", Text)),
            F.Declared("save_noreply", RouteKind.Request, new FunctionParameter("table", Text)),
            F.Declared("lookup", RouteKind.RequestAndFailure, new FunctionParameter("table", Text)),
            F.Declared("registered", RouteKind.RequestAndFailure, new FunctionParameter("table", Text)),
        ],
        [
            P.Int("nat_flag", 4) with { Minimum = 0, Maximum = 31 },
            P.Int("default_expires", 3600) with { Minimum = 0 },
            P.Int("min_expires", 60) with { Minimum = 0 },
            P.Int("max_expires", 0) with { Minimum = 0 },
            P.Int("default_q", 0),
            P.Switch("append_branches", 1),
            P.Switch("use_domain", 0),
            P.Switch("case_sensitive", 0),
            P.Switch("desc_time_order", 0),
            P.Int("received_avp", 42),
            P.Text("received_param", "received"),
            P.Int("max_contacts", 0) with { Minimum = 0 },
            P.Int("retry_after", 0) with { Minimum = 0 },
        ],
        ["usrloc"]);

    private static ScriptModule Auth() => new(
        "auth",
        [
            F.Declared("www_challenge", RouteKind.Request, new FunctionParameter("realm", Text), new FunctionParameter("qop", Integer)),
            F.Declared("proxy_challenge", RouteKind.Request, new FunctionParameter("realm", Text), new FunctionParameter("qop", Integer)),
            F.Declared("consume_credentials", RouteKind.Request),
        ],
        [
            // SER picks a random secret at start when none is set; empty means exactly that.
            P.Text("secret", string.Empty),
            P.Int("nonce_expire", 300) with { Minimum = 1 },
        ]);

    private static ScriptModule AuthDb() => new(
        "auth_db",
        [
            F.Declared("www_authorize", RouteKind.Request, new FunctionParameter("realm", Text), new FunctionParameter("table", Text)),
            F.Declared("proxy_authorize", RouteKind.Request, new FunctionParameter("realm", Text), new FunctionParameter("table", Text)),
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
        ],
        ["auth"]);

    private static ScriptModule Uri() => new(
        "uri",
        [
            F.Declared("has_totag", RouteKind.Any),
            F.Declared("is_user", RouteKind.Request, new FunctionParameter("user", Text)),
            F.Declared("uri_param", RouteKind.Request, new FunctionParameter("name", Text)),
            F.Declared("uri_param", RouteKind.Request, new FunctionParameter("name", Text), new FunctionParameter("value", Text)),
            F.Declared("add_uri_param", RouteKind.Request, new FunctionParameter("param", Text)),
        ],
        []);

    private static ScriptModule UriDb() => new(
        "uri_db",
        [
            F.Declared("check_to", RouteKind.Request),
            F.Declared("check_from", RouteKind.Request),
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

    private static ScriptModule Domain() => new(
        "domain",
        [
            F.Declared("is_from_local", RouteKind.Request),
            F.Declared("is_uri_host_local", RouteKind.RequestAndFailure),
        ],
        [
            P.DbUrl(),
            P.Switch("db_mode", 0),
            P.Text("domain_table", "domain"),
            P.Text("domain_column", "domain"),
        ]);

    private static ScriptModule NatHelper() => new(
        "nathelper",
        [
            F.Declared("nat_uac_test", RouteKind.Any, new FunctionParameter("flags", Integer)),
            F.Declared("fix_nated_contact", RouteKind.RequestAndReply),
            RtpProxyFunctions.FixNatedRegister,
            F.Declared("fix_nated_sdp", RouteKind.RequestAndReply, new FunctionParameter("mode", Integer)),
            RtpProxyFunctions.ForceRtpProxy,
            RtpProxyFunctions.UnforceRtpProxy,
        ],
        [
            P.Int("natping_interval", 0) with { Minimum = 0 },
            P.Switch("ping_nated_only", 0),
            // The NatEdge relay stands in for rtpproxy, so the default names its socket.
            P.Text("rtpproxy_sock", "unix:" + MediaRelayClientOptions.DefaultSocketPath),
            P.Switch("rtpproxy_disable", 0),
            P.Int("received_avp", 42),
            P.Int("rtpproxy_disable_tout", 60),
            P.Int("rtpproxy_retr", 5) with { Minimum = 0 },
            P.Int("rtpproxy_tout", 1) with { Minimum = 1 },
            P.Text("natping_method", string.Empty),
            P.Text("force_socket", string.Empty),
        ]);
}
