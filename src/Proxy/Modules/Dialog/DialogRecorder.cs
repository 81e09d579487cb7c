using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>
/// Keeps each end of a followed dialog up to date from the messages of the dialog the proxy sees, before
/// the script edits them: the initial INVITE gives the caller's identity, Contact and route set; the 2xx to
/// it the callee's; every request raises its sender's CSeq and any INVITE or 2xx to one refreshes its
/// sender's Contact (RFC 3261 sections 12.1 and 12.2). Only the initial INVITE and the 2xx allocate much;
/// other messages cost a tag compare and, for requests, one number.
/// </summary>
public static class DialogRecorder
{
    /// <summary>Records what <paramref name="message"/>, received from <paramref name="received"/>, tells about its sender.</summary>
    public static void Record(SipDialog dialog, SipMessage message, ReceiveInfo? received)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(message);
        if (!message.TryGetFrom(out var from) || !message.TryGetCSeq(out var cseq))
        {
            return;
        }

        var fromCaller = Ascii.Equals(message[from.Tag], dialog.CallerTag);
        lock (dialog)
        {
            if (message.IsRequest)
            {
                RecordRequest(dialog, message, fromCaller ? dialog.Caller : dialog.Callee, from, cseq, received);
            }
            else if (message.StatusCode is >= 200 and < 300 && cseq.Method == SipMethod.Invite)
            {
                // A reply comes from the end that did not send the request it answers.
                RecordAnswer(message, fromCaller ? dialog.Callee : dialog.Caller, fromCaller, received);
            }
        }
    }

    private static void RecordRequest(SipDialog dialog, SipMessage request, DialogParty sender, in SipNameAddr from, SipCSeq cseq, ReceiveInfo? received)
    {
        // An ACK or CANCEL repeats its INVITE's number, so the highest number seen is the sender's last.
        if (cseq.Number > sender.LastCSeq)
        {
            sender.LastCSeq = cseq.Number;
        }

        if (received is { } source)
        {
            sender.Source = SourceUri(source);
        }

        if (request.Method != SipMethod.Invite)
        {
            return;
        }

        RefreshContact(request, sender);
        if (sender.Identity is null && ReferenceEquals(sender, dialog.Caller))
        {
            sender.Identity = Text(request, from.Value);
            sender.RecordRoute = RecordRouteOf(request);
        }
    }

    private static void RecordAnswer(SipMessage answer, DialogParty sender, bool answersCaller, ReceiveInfo? received)
    {
        if (received is { } source)
        {
            sender.Source = SourceUri(source);
        }

        RefreshContact(answer, sender);
        if (answersCaller && sender.Identity is null && answer.TryGetTo(out var to) && to.Tag.IsPresent)
        {
            sender.Identity = Text(answer, to.Value);
            sender.RecordRoute = RecordRouteOf(answer);
        }
    }

    private static void RefreshContact(SipMessage message, DialogParty sender)
    {
        foreach (var contact in message.GetContacts())
        {
            if (!contact.IsWildcard)
            {
                sender.Contact = Text(message, contact.Uri);
            }

            return;
        }
    }

    private static string[] RecordRouteOf(SipMessage message)
    {
        var values = new List<string>();
        var entries = message.GetNameAddrs(HeaderId.RecordRoute);
        while (entries.MoveNext())
        {
            values.Add(Text(message, entries.Current.Value));
        }

        return entries.Malformed ? [] : [.. values];
    }

    /// <summary>The packet's source as a URI a next-hop resolver takes (RFC 3263 without DNS: an IP literal).</summary>
    private static string SourceUri(in ReceiveInfo received)
    {
        var address = new IPAddress(received.SourceAddressBytes);
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var transport = received.Protocol == TransportProtocol.Udp ? string.Empty : ";transport=tcp";
        return string.Create(CultureInfo.InvariantCulture, $"sip:{host}:{received.SourcePort}{transport}");
    }

    private static string Text(SipMessage message, TextRange range) => Encoding.UTF8.GetString(message[range]);
}
