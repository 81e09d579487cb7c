using System.Globalization;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// force_rport(): treat the request as if its top Via carried ";rport" (RFC 3581 section 4), so
/// replies go back to the source IP and port the NAT chose rather than to sent-by. The receive path
/// already stamps received (when the IP differs) and fills an empty rport; this adds what is missing
/// for a client that did not ask: "rport=PORT", and "received" too, which RFC 3581 requires with rport.
/// </summary>
public static class ForcedRport
{
    public static bool Apply(SipMessage request, in ReceiveInfo received)
    {
        if (!request.TryGetTopVia(out var via))
        {
            return false;
        }

        if (via.HasRport)
        {
            return true;
        }

        ReadOnlySpan<byte> source = NatDetector.SourceAddress(received);
        bool addReceived = !via.Received.IsPresent && PrivateAddress.SameAddress(request[via.Host], source);

        Span<byte> text = stackalloc byte[";rport=65535;received="u8.Length + SourceAddressText.MaxLength];
        int length = 0;
        ";rport="u8.CopyTo(text);
        length += ";rport="u8.Length;
        received.SourcePort.TryFormat(text[length..], out int digits, default, CultureInfo.InvariantCulture);
        length += digits;
        if (addReceived)
        {
            ";received="u8.CopyTo(text[length..]);
            length += ";received="u8.Length;
            length += SourceAddressText.Format(received, text[length..], withPort: false, bracketIpv6: false);
        }

        // Right after sent-by: the receive stamp may already have inserted ";received=" at the end of the Via.
        request.Edits.Insert(via.SentBy.End, text[..length]);
        return true;
    }
}
