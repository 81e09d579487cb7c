using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Shared.Sdp;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// The mediaproxy module (route-script.md section 5, mediaproxy-protocol.md section 1): use_media_proxy()
/// asks the relay for ports for the message's SDP and rewrites it, end_media_session() ends the
/// session, engage_media_proxy() hands a whole dialog to the relay (<see cref="EngagedMediaSessions"/>). All talk to the relay on <c>mediaproxy_socket</c> through a <see cref="MediaRelayClient"/>, or to remote relays
/// dialled in to the dispatcher when <c>dispatcher_certificate</c> is set (<see cref="Remote.RelayDispatchers"/>).
/// </summary>
internal static class MediaProxyModule
{
    public static ScriptModule Create() => new(
        "mediaproxy",
        [
            // The SER 0.9 module's NAT test and Contact fixing share nathelper's detection.
            new("client_nat_test", [new("tests", Integer)], RouteKind.Any, ClientNatFunctions.BindClientNatTest, ClientNatFunctions.ValidateClientNatTest),
            new("fix_contact", [], RouteKind.RequestAndReply, ClientNatFunctions.BindFixContact),
            new F("use_media_proxy", [], RouteKind.RequestAndReply, BindUse),
            new F("engage_media_proxy", [], RouteKind.Request, BindEngage),
            new F("end_media_session", [], RouteKind.Any, BindEnd),
        ],
        [
            P.Int("natping_interval", 60) with { Minimum = 0 },
            P.Text("mediaproxy_socket", MediaRelayClientOptions.DefaultSocketPath),
            // Kamailio's mediaproxy_timeout, in milliseconds.
            P.Int("mediaproxy_timeout", 500) with { Minimum = 1 },
            // Kamailio's ice_candidate: none, low-priority or high-priority.
            P.Text("ice_candidate", "none"),
            P.Text("sip_asymmetrics", "/etc/ser/sip-asymmetric-clients"),
            P.Text("rtp_asymmetrics", "/etc/ser/rtp-asymmetric-clients"),
            // NatEdge: 1 ends a call with a BYE to both parties when its remote relay reports the media
            // expired (MediaProxy's dispatcher always asks dlg_end_dlg to; here the operator chooses).
            P.Switch("end_expired_calls", 0),
            .. Remote.RelayDispatchers.Parameters,
        ],
        ["usrloc", "domain"])
    {
        CheckSettings = Remote.RelayDispatchers.Problems,
    };

    private static ScriptAction BindUse(FunctionBinding binding)
    {
        var client = Client(binding.Settings);
        var ice = IceCandidatePriority(binding.Settings.GetText("ice_candidate"));
        return context => MediaSessionCalls.UpdateAsync(context, client, ice);
    }

    private static ScriptAction BindEngage(FunctionBinding binding)
    {
        var sessions = MediaRelayClients.EngagedFor(
            Client(binding.Settings),
            IceCandidatePriority(binding.Settings.GetText("ice_candidate")),
            binding.Settings.GetInteger("end_expired_calls") == 1);
        return sessions.EngageAsync;
    }

    private static ScriptAction BindEnd(FunctionBinding binding)
    {
        var client = Client(binding.Settings);
        return context => MediaSessionCalls.RemoveAsync(context, client);
    }

    private static MediaRelayClient Client(ModuleSettings settings) =>
        MediaRelayClients.For(
            settings.GetText("mediaproxy_socket"),
            TimeSpan.FromMilliseconds(settings.GetInteger("mediaproxy_timeout")),
            Remote.RelayDispatchers.For(settings));

    private static uint? IceCandidatePriority(string setting) => setting switch
    {
        "low-priority" => SdpRewriter.LowIceCandidatePriority,
        "high-priority" => SdpRewriter.HighIceCandidatePriority,
        _ => null,
    };
}
