using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// The signalling half of NAT traversal (route-script.md section 5, nathelper; Kamailio 5.6's
/// nat_uac_test bits): detection, Contact and SDP fixing, and the keepalive settings the
/// <see cref="NatPinger"/> runs on. The rtpproxy functions drive the NatEdge relay (<see cref="MediaProxy.RtpProxyFunctions"/>).
/// </summary>
internal static class NatHelperModule
{
    public const string Name = "nathelper";

    public static ScriptModule Create() => new(
        Name,
        [
            new("nat_uac_test", [new("flags", Integer)], RouteKind.Any, BindNatUacTest, ValidateNatUacTest),
            new("fix_nated_contact", [], RouteKind.RequestAndReply, _ => FixContact(ContactPortRule.SourcePort)),
            new("fix_nated_register", [], RouteKind.Request, static _ => FixNatedRegister),
            new("fix_nated_sdp", [new("mode", Integer)], RouteKind.RequestAndReply, BindFixNatedSdp, ValidateFixNatedSdp),
            MediaProxy.RtpProxyFunctions.ForceRtpProxy,
            MediaProxy.RtpProxyFunctions.UnforceRtpProxy,
        ],
        [
            P.Int("natping_interval", 0) with { Minimum = 0 },
            P.Switch("ping_nated_only", 0),
            // The NatEdge relay stands in for rtpproxy, so the default names its socket.
            P.Text("rtpproxy_sock", "unix:" + MediaProxy.MediaRelayClientOptions.DefaultSocketPath),
            P.Switch("rtpproxy_disable", 0),
            P.Int("received_avp", 42),
            P.Int("rtpproxy_disable_tout", 60),
            P.Int("rtpproxy_retr", 5) with { Minimum = 0 },
            P.Int("rtpproxy_tout", 1) with { Minimum = 1 },
            P.Text("natping_method", string.Empty),
            P.Text("force_socket", string.Empty),
        ]);

    /// <summary>force_rport(), the core action; bound by the core module.</summary>
    public static ScriptAction ForceRport(FunctionBinding binding) => static context =>
        new ValueTask<int>(context.SipMessage is { IsRequest: true } sip && ForcedRport.Apply(sip, context.Received) ? 1 : -1);

    /// <summary>Contact fixing for fix_nated_contact and (for SIP-asymmetric clients keeping their port) fix_contact.</summary>
    public static ScriptAction FixContact(ContactPortRule rule) => context =>
        new ValueTask<int>(context.SipMessage is { } sip && ContactFixer.Fix(sip, context.Received, rule) ? 1 : -1);

    private static void ValidateNatUacTest(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var flags = binding.Arguments[0];
        if (flags.Integer <= 0 || (flags.Integer & ~(long)NatUacTests.All) != 0)
        {
            diagnostics.Error(flags.Span, $"nat_uac_test flags {flags.Integer} select no known test", "add the bits of the tests to run: 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 (the guide uses 19)");
        }
    }

    private static ScriptAction BindNatUacTest(FunctionBinding binding)
    {
        var tests = (NatUacTests)binding.Arguments[0].Integer;
        return context =>
        {
            if (context.SipMessage is not { } sip)
            {
                return new ValueTask<int>(-1);
            }

            var destination = sip.IsRequest ? TransactionScope.Of(context)?.Destination : null;
            var behindNat = NatDetector.Any(sip, context.Received, tests, destination);
            Telemetry.ProxyTracing.NatTested(behindNat);
            return new ValueTask<int>(behindNat ? 1 : -1);
        };
    }

    /// <summary>
    /// SER puts "sip:src-ip:src-port" into received_avp for save(); NatEdge's save() records the source of
    /// every REGISTER with the binding, and lookup() uses it for bindings saved with nat_flag, so there is
    /// nothing left to store here.
    /// </summary>
    private static ValueTask<int> FixNatedRegister(RouteContext context) =>
        new(context.SipMessage is { IsRequest: true } ? 1 : -1);

    private static void ValidateFixNatedSdp(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var mode = binding.Arguments[0];
        if (mode.Integer <= 0 || (mode.Integer & ~(long)NatedSdpFixes.All) != 0)
        {
            diagnostics.Error(mode.Span, $"fix_nated_sdp mode {mode.Integer} is not known", "1 adds a=direction:active, 2 rewrites c= with the source IP, 4 adds a=nortpproxy:yes; add them up");
        }
    }

    private static ScriptAction BindFixNatedSdp(FunctionBinding binding)
    {
        var fixes = (NatedSdpFixes)binding.Arguments[0].Integer;
        return context => new ValueTask<int>(context.SipMessage is { } sip && NatedSdpFixer.Fix(sip, context.Received, fixes) ? 1 : -1);
    }
}
