using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// nathelper's rtpproxy-era functions (route-script.md section 5) over the NatEdge relay, so a
/// configuration written for rtpproxy runs unchanged: force_rtp_proxy() is an <c>update</c>,
/// unforce_rtp_proxy() a <c>remove</c>, and <c>rtpproxy_sock</c> (<c>unix:PATH</c>) names the relay
/// socket. The relay tells offer from answer by the CSeq pair (mediaproxy-protocol.md §4.2), so the
/// rtpproxy flag "l" (answer: look the session up) needs no separate command. The nathelper module
/// lists these descriptors among its functions.
/// </summary>
internal static class RtpProxyFunctions
{
    /// <summary>rtpproxy flags the relay honours: "l" (lookup, an answer) only.</summary>
    private const string AcceptedFlags = "l";

    public static F ForceRtpProxy { get; } =
        new("force_rtp_proxy", [new("flags", Text)], RouteKind.RequestAndReply, BindForce, ValidateFlags) { RequiredCount = 0 };

    public static F UnforceRtpProxy { get; } = new("unforce_rtp_proxy", [], RouteKind.Any, BindUnforce);

    private static void ValidateFlags(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        if (binding.Arguments.Count == 0)
        {
            return;
        }

        var flags = binding.Arguments[0];
        foreach (var flag in flags.Text)
        {
            if (!AcceptedFlags.Contains(char.ToLowerInvariant(flag), StringComparison.Ordinal))
            {
                diagnostics.Error(flags.Span, $"force_rtp_proxy flag '{flag}' is not supported by the NatEdge relay", "use no flags or \"l\"");
            }
        }
    }

    private static ScriptAction BindForce(FunctionBinding binding)
    {
        if (!IsEnabled(binding.Settings))
        {
            return static _ => new ValueTask<int>(-1);
        }

        var client = Client(binding.Settings);
        return context => MediaSessionCalls.UpdateAsync(context, client, iceCandidatePriority: null);
    }

    private static ScriptAction BindUnforce(FunctionBinding binding)
    {
        if (!IsEnabled(binding.Settings))
        {
            return static _ => new ValueTask<int>(-1);
        }

        var client = Client(binding.Settings);
        return context => MediaSessionCalls.RemoveAsync(context, client);
    }

    /// <summary>rtpproxy_disable=1: nathelper is loaded for its NAT tests only and talks to no relay.</summary>
    private static bool IsEnabled(ModuleSettings settings) => settings.GetInteger("rtpproxy_disable") == 0;

    private static MediaRelayClient Client(ModuleSettings settings) =>
        MediaRelayClients.For(SocketPath(settings.GetText("rtpproxy_sock")), TimeSpan.FromSeconds(settings.GetInteger("rtpproxy_tout")));

    /// <summary><c>unix:PATH</c> names a Unix socket; a bare path is taken as one too.</summary>
    internal static string SocketPath(string rtpproxySock) =>
        rtpproxySock.StartsWith("unix:", StringComparison.Ordinal) ? rtpproxySock["unix:".Length..] : rtpproxySock;
}
