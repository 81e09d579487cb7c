using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Sdp;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>The modes of fix_nated_sdp (SER 0.9 nathelper 1 and 2; Kamailio adds 4).</summary>
[Flags]
public enum NatedSdpFixes
{
    None = 0,

    /// <summary>Add "a=direction:active": the client behind NAT opens the media connection (comedia).</summary>
    DirectionActive = 1,

    /// <summary>Every c= address becomes the source IP of the signalling.</summary>
    ConnectionAddress = 2,

    /// <summary>Add "a=nortpproxy:yes", telling later hops the media is already taken care of.</summary>
    NoRtpProxy = 4,

    All = 7,
}

/// <summary>
/// fix_nated_sdp: a client that cannot relay its media through a media proxy at least advertises the
/// address its packets come from. The new body replaces the old as one splice, with Content-Length kept
/// in step.
/// </summary>
public static class NatedSdpFixer
{
    /// <returns>False when the message has no parsable SDP, or an IPv6 source would have to go into an IP4 line.</returns>
    public static bool Fix(SipMessage message, in ReceiveInfo received, NatedSdpFixes fixes)
    {
        ReadOnlySpan<byte> body = message[message.Body];
        if (body.IsEmpty || SdpIndex.TryParse(body, out var index) != SdpParseError.None || index is null)
        {
            return false;
        }

        var output = new List<byte>(body.Length + 64);
        int copied = 0;
        if (fixes.HasFlag(NatedSdpFixes.ConnectionAddress))
        {
            Span<byte> source = stackalloc byte[SourceAddressText.MaxLength];
            int sourceLength = SourceAddressText.Format(received, source, withPort: false, bracketIpv6: false);
            if (NatDetector.SourceAddress(received).Length != 4)
            {
                return false;
            }

            foreach (var range in ConnectionAddresses(index))
            {
                if (range.Offset < copied)
                {
                    continue;
                }

                output.AddRange(body[copied..range.Offset]);
                output.AddRange(source[..sourceLength]);
                copied = range.End;
            }
        }

        output.AddRange(body[copied..]);
        byte[] separator = Encoding.ASCII.GetBytes(index.LineSeparator);
        if (output.Count > 0 && output[^1] != '\n')
        {
            output.AddRange(separator);
        }

        if (fixes.HasFlag(NatedSdpFixes.DirectionActive))
        {
            output.AddRange("a=direction:active"u8);
            output.AddRange(separator);
        }

        if (fixes.HasFlag(NatedSdpFixes.NoRtpProxy))
        {
            output.AddRange("a=nortpproxy:yes"u8);
            output.AddRange(separator);
        }

        SipMessageWriter.ReplaceBody(message, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output));
        return true;
    }

    /// <summary>Session-level and media-level c= addresses in body order.</summary>
    private static List<SdpRange> ConnectionAddresses(SdpIndex index)
    {
        var ranges = new List<SdpRange>(index.Media.Count + 1);
        if (index.SessionConnectionAddress.IsPresent)
        {
            ranges.Add(index.SessionConnectionAddress);
        }

        foreach (var media in index.Media)
        {
            if (media.ConnectionAddress.IsPresent)
            {
                ranges.Add(media.ConnectionAddress);
            }
        }

        ranges.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        return ranges;
    }
}
