using System.Text;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// Plans the BYEs that end a confirmed dialog from the middle (Kamailio's <c>dlg_end_dlg</c>): one to each
/// end, each as if the other end had sent it. Route sets come from the recorded Record-Route values with
/// this proxy's own entries left out (it is where the BYE starts): toward the caller the values its INVITE
/// arrived with, in order (section 12.1.1, the UAS's view); toward the callee the values its 2xx added
/// above this proxy's, reversed (section 12.1.2, the UAC's view). Loose routing is assumed (<c>;lr</c>).
/// </summary>
public static class InDialogByePlanner
{
    /// <summary>
    /// The BYE toward the callee (<paramref name="towardCallee"/>) or the caller; null when the dialog is not
    /// confirmed or an end was never seen whole. Takes the sender's next CSeq number, so a later request
    /// in its name gets a higher one.
    /// </summary>
    public static InDialogBye? Plan(SipDialog dialog, bool towardCallee, LocalUriTest isLocal)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(isLocal);
        lock (dialog)
        {
            var target = towardCallee ? dialog.Callee : dialog.Caller;
            var sender = towardCallee ? dialog.Caller : dialog.Callee;
            if (dialog.State != DialogState.Confirmed || target.Contact is null || target.Identity is null || sender.Identity is null)
            {
                return null;
            }

            var route = towardCallee ? RouteTowardCallee(dialog, isLocal) : WithoutLocal(dialog.Caller.RecordRoute, isLocal);

            // A callee that never sent a request has no local number yet: any below 2**31 will do (section 8.1.1.5).
            var cseq = sender.LastCSeq < 0 ? 1 : sender.LastCSeq + 1;
            sender.LastCSeq = cseq;
            var nextHop = route.Count > 0 ? UriOf(route[0]) : target.Source ?? target.Contact;
            return new InDialogBye(target.Contact, route, sender.Identity, target.Identity, dialog.CallId, cseq, nextHop);
        }
    }

    private static List<string> RouteTowardCallee(SipDialog dialog, LocalUriTest isLocal)
    {
        var recorded = dialog.Callee.RecordRoute;
        var ours = -1;
        for (var i = 0; i < recorded.Count && ours < 0; i++)
        {
            if (IsLocal(recorded[i], isLocal))
            {
                ours = i;
            }
        }

        // Without an entry of ours, the callee's side is what the 2xx holds beyond the caller's values.
        var downstream = ours >= 0 ? ours : Math.Max(0, recorded.Count - dialog.Caller.RecordRoute.Count);
        var route = new List<string>(downstream);
        for (var i = downstream - 1; i >= 0; i--)
        {
            route.Add(recorded[i]);
        }

        return route;
    }

    private static List<string> WithoutLocal(IReadOnlyList<string> recorded, LocalUriTest isLocal)
    {
        var route = new List<string>(recorded.Count);
        foreach (var value in recorded)
        {
            if (!IsLocal(value, isLocal))
            {
                route.Add(value);
            }
        }

        return route;
    }

    private static bool IsLocal(string nameAddr, LocalUriTest isLocal)
    {
        var bytes = Encoding.UTF8.GetBytes(nameAddr);
        if (!NameAddrParser.TryParse(bytes, new TextRange(0, bytes.Length), out var parsed) || !parsed.ParsedUri.IsSipOrSips)
        {
            return false;
        }

        var uri = parsed.ParsedUri;
        var port = uri.Port >= 0 ? uri.Port : uri.Scheme == UriScheme.Sips ? ResponseTargets.DefaultSipsPort : ResponseTargets.DefaultSipPort;
        return isLocal(bytes.AsSpan(uri.Host.Offset, uri.Host.Length), port);
    }

    private static string UriOf(string nameAddr)
    {
        var bytes = Encoding.UTF8.GetBytes(nameAddr);
        return NameAddrParser.TryParse(bytes, new TextRange(0, bytes.Length), out var parsed)
            ? Encoding.UTF8.GetString(bytes.AsSpan(parsed.Uri.Offset, parsed.Uri.Length))
            : nameAddr;
    }
}
