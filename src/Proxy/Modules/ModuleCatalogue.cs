using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Modules.Core;
using NatEdge.Proxy.Modules.Domain;
using NatEdge.Proxy.Modules.MaxFwd;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Registrar;
using NatEdge.Proxy.Modules.Sl;
using NatEdge.Proxy.Modules.TextOps;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Modules.UriDb;
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
        RegistrarModule.Create(),
        new ScriptModule("mysql", [], []),
        AuthModule.Create(),
        AuthDbModule.Create(),
        Uri(),
        UriDbModule.Create(),
        DomainModule.Create(),
        NatHelper(),
        MediaProxy(),
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

    private static ScriptModule NatHelper() => new(
        "nathelper",
        [
            F.Declared("nat_uac_test", RouteKind.Any, new FunctionParameter("flags", Integer)),
            F.Declared("fix_nated_contact", RouteKind.RequestAndReply),
            F.Declared("fix_nated_register", RouteKind.Request),
            F.Declared("fix_nated_sdp", RouteKind.RequestAndReply, new FunctionParameter("mode", Integer)),
            new F("force_rtp_proxy", [new("flags", Text)], RouteKind.RequestAndReply, null) { RequiredCount = 0 },
            F.Declared("unforce_rtp_proxy", RouteKind.Any),
        ],
        [
            P.Int("natping_interval", 0) with { Minimum = 0 },
            P.Switch("ping_nated_only", 0),
            P.Text("rtpproxy_sock", "unix:/var/run/rtpproxy.sock"),
            P.Switch("rtpproxy_disable", 0),
            P.Int("received_avp", 42),
            P.Int("rtpproxy_disable_tout", 60),
            P.Int("rtpproxy_retr", 5) with { Minimum = 0 },
            P.Int("rtpproxy_tout", 1) with { Minimum = 1 },
            P.Text("natping_method", string.Empty),
            P.Text("force_socket", string.Empty),
        ]);

    private static ScriptModule MediaProxy() => new(
        "mediaproxy",
        [
            F.Declared("client_nat_test", RouteKind.Any, new FunctionParameter("tests", Integer)),
            F.Declared("fix_contact", RouteKind.RequestAndReply),
            F.Declared("use_media_proxy", RouteKind.RequestAndReply),
            F.Declared("engage_media_proxy", RouteKind.Request),
            F.Declared("end_media_session", RouteKind.Any),
        ],
        [
            P.Int("natping_interval", 60) with { Minimum = 0 },
            P.Text("mediaproxy_socket", "/var/run/proxydispatcher.sock"),
            P.Text("sip_asymmetrics", "/etc/ser/sip-asymmetric-clients"),
            P.Text("rtp_asymmetrics", "/etc/ser/rtp-asymmetric-clients"),
        ],
        ["usrloc", "domain"]);
}
