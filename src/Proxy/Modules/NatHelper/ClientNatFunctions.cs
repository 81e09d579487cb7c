using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// The NAT half of the SER mediaproxy module, which stays in the proxy whatever relays the media
/// (route-script.md section 5): client_nat_test and fix_contact, both aware of SIP-asymmetric clients
/// listed in the module's sip_asymmetrics file.
/// </summary>
public static class ClientNatFunctions
{
    public static void ValidateClientNatTest(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var tests = binding.Arguments[0];
        if (tests.Integer <= 0 || (tests.Integer & ~(long)ClientNatTests.All) != 0)
        {
            diagnostics.Error(tests.Span, $"client_nat_test tests {tests.Integer} select no known test", "1 private Contact, 2 source differs from Via, 4 private Via; add them up (the guide uses 3 and 7)");
        }
    }

    public static ScriptAction BindClientNatTest(FunctionBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var tests = (ClientNatTests)binding.Arguments[0].Integer;
        var asymmetrics = SipAsymmetrics(binding);
        return context =>
        {
            if (context.SipMessage is not { } sip)
            {
                return new ValueTask<int>(-1);
            }

            bool asymmetric = tests.HasFlag(ClientNatTests.SourceDiffersFromVia) && IsAsymmetric(context, asymmetrics);
            var behindNat = NatDetector.Any(sip, context.Received, tests, asymmetric);
            Telemetry.ProxyTracing.NatTested(behindNat);
            return new ValueTask<int>(behindNat ? 1 : -1);
        };
    }

    /// <summary>
    /// fix_contact: a Contact already naming the source IP is left alone (✔); a SIP-asymmetric client
    /// keeps its Contact port; otherwise as fix_nated_contact.
    /// </summary>
    public static ScriptAction BindFixContact(FunctionBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var asymmetrics = SipAsymmetrics(binding);
        return context =>
        {
            if (context.SipMessage is not { } sip || !NatDetector.TryGetFirstContactUri(sip, out var uri))
            {
                return new ValueTask<int>(-1);
            }

            if (PrivateAddress.SameAddress(sip[uri.Host], NatDetector.SourceAddress(context.Received)))
            {
                return new ValueTask<int>(1);
            }

            var rule = IsAsymmetric(context, asymmetrics) ? ContactPortRule.KeepContactPort : ContactPortRule.SourcePort;
            return new ValueTask<int>(ContactFixer.Fix(sip, context.Received, rule) ? 1 : -1);
        };
    }

    /// <summary>The list named by the module's sip_asymmetrics parameter.</summary>
    public static AsymmetricClients SipAsymmetrics(FunctionBinding binding) =>
        AsymmetricClients.For(binding.Settings.GetText("sip_asymmetrics"));

    /// <summary>The list named by the module's rtp_asymmetrics parameter (for the media functions).</summary>
    public static AsymmetricClients RtpAsymmetrics(FunctionBinding binding) =>
        AsymmetricClients.For(binding.Settings.GetText("rtp_asymmetrics"));

    /// <summary>Matches the User-Agent of a request or the Server of a reply against the list.</summary>
    public static bool IsAsymmetric(RouteContext context, AsymmetricClients clients)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(clients);
        var header = context.Message.IsRequest ? "User-Agent"u8 : "Server"u8;
        return context.Message.TryGetHeader(header, out var value) && clients.IsMatch(value);
    }
}
