using System.Text;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.Rr;

/// <summary>
/// The rr module (route-script.md section 5): record_route() and record_route_preset() leave a
/// Record-Route entry for t_relay to write on each branch; loose_route() applies the Route set
/// and hands the next hop to t_relay through the <see cref="TransactionScope"/>.
/// </summary>
internal static class RrModule
{
    private static readonly System.Buffers.SearchValues<char> NotInPreset = System.Buffers.SearchValues.Create("\r\n<> ,");

    public static ScriptModule Create() => new(
        "rr",
        [
            new F("record_route", [], RouteKind.Request, BindRecordRoute),
            new F("record_route_preset", [new("address", Text)], RouteKind.Request, BindPreset, ValidatePreset),
            new F("loose_route", [], RouteKind.Request, BindLooseRoute),
        ],
        [P.Switch("enable_full_lr", 0), P.Switch("append_fromtag", 1), P.Switch("enable_double_rr", 1)]);

    private static RecordRouteSettings Settings(FunctionBinding binding) => new()
    {
        FullLr = binding.Settings.GetInteger("enable_full_lr") != 0,
        AppendFromTag = binding.Settings.GetInteger("append_fromtag") != 0,
        DoubleRecordRoute = binding.Settings.GetInteger("enable_double_rr") != 0,
    };

    private static void ValidatePreset(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var text = binding.Arguments[0].Text;
        if (text.Length == 0 || text.AsSpan().IndexOfAny(NotInPreset) >= 0)
        {
            diagnostics.Error(binding.Arguments[0].Span, "record_route_preset needs host[:port][;params] without spaces, commas or angle brackets");
        }
    }

    private static ScriptAction BindRecordRoute(FunctionBinding binding)
    {
        var settings = Settings(binding);
        return context =>
        {
            if (TransactionScope.Of(context) is not { } scope)
            {
                return new ValueTask<int>(-1);
            }

            scope.RecordRoute = RecordRouteHeader.ForInterface(scope.Request, scope.Inbound, settings);
            return new ValueTask<int>(1);
        };
    }

    private static ScriptAction BindPreset(FunctionBinding binding)
    {
        var settings = Settings(binding);
        var preset = Encoding.UTF8.GetBytes(binding.Arguments[0].Text);
        return context =>
        {
            if (TransactionScope.Of(context) is not { } scope)
            {
                return new ValueTask<int>(-1);
            }

            scope.RecordRoute = RecordRouteHeader.FromPreset(scope.Request, preset, settings);
            return new ValueTask<int>(1);
        };
    }

    private static ScriptAction BindLooseRoute(FunctionBinding binding)
    {
        var myself = binding.Myself;
        LocalUriTest isLocal = (host, port) => myself.Matches(host, port);
        return context =>
        {
            if (context.Message is not SipScriptMessage message)
            {
                return new ValueTask<int>(-1);
            }

            var outcome = LooseRouter.Process(message.Sip, message.RequestUri, isLocal);
            if (outcome.RequestUri is { } requestUri)
            {
                message.RewriteRequestUri(requestUri);
            }

            if (outcome.Destination is { } destination && TransactionScope.Of(context) is { } scope)
            {
                scope.Destination = destination;
            }

            return new ValueTask<int>(outcome.Routed ? 1 : -1);
        };
    }
}
