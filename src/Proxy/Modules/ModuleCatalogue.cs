using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Modules.Core;
using NatEdge.Proxy.Modules.Domain;
using NatEdge.Proxy.Modules.MaxFwd;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Modules.Registrar;
using NatEdge.Proxy.Modules.Sl;
using NatEdge.Proxy.Modules.TextOps;
using NatEdge.Proxy.Modules.Uri;
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
        NatHelperModule.Create(),
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

    private static ScriptModule Uri() => new(
        "uri",
        [
            new F("has_totag", [], RouteKind.Any, HasToTag.Bind),
            F.Declared("is_user", RouteKind.Request, new FunctionParameter("user", Text)),
            F.Declared("uri_param", RouteKind.Request, new FunctionParameter("name", Text)),
            F.Declared("uri_param", RouteKind.Request, new FunctionParameter("name", Text), new FunctionParameter("value", Text)),
            F.Declared("add_uri_param", RouteKind.Request, new FunctionParameter("param", Text)),
        ],
        []);
}
