using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using NatEdge.Shared.Control;

namespace NatEdge.Shared.Sdp;

/// <summary>Outcome of <see cref="SdpRewriter.Rewrite"/>.</summary>
public enum SdpRewriteResult
{
    /// <summary>Splices produced for every supported stream.</summary>
    Rewritten,
    /// <summary>A reply carried more streams than the relay gave ports for (callee added streams): the extra ones are left alone.</summary>
    RewrittenWithExtraStreams,
    /// <summary>A request needs one port per supported stream; nothing was produced.</summary>
    InsufficientPorts,
    /// <summary>The relay answered <c>error</c> (or anything that is not an address and ports); nothing was produced.</summary>
    RelayError,
}

/// <summary>Options of <see cref="SdpRewriter.Rewrite"/>.</summary>
/// <param name="IsReply">The SDP travels in a SIP reply (spec §1.5: missing ports only warn).</param>
/// <param name="IceCandidatePriority">Priority of the inserted relay candidate; null inserts none (module's <c>ice_candidate=none</c>).</param>
public readonly record struct SdpRewriteOptions(bool IsReply, uint? IceCandidatePriority = null);

/// <summary>
/// Applies a relay's <c>update</c> answer to an SDP body as the mediaproxy module does (spec §1.5), producing
/// splices instead of a new body: the session c= address (or, when some stream's transport is unsupported,
/// the session c= line moves into every stream that relied on it), each supported stream's m= port,
/// <c>a=rtcp</c> port (port + 1) and address, stream c= address, and an ICE relay candidate.
/// </summary>
public static class SdpRewriter
{
    public static SdpRewriteResult Rewrite(ReadOnlySpan<byte> body, SdpIndex index, ControlReply reply, SdpRewriteOptions options, List<SdpSplice> splices)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(splices);
        if (reply.Kind != ControlReplyKind.Media || reply.RelayIp is null) return SdpRewriteResult.RelayError;
        var result = SdpRewriteResult.Rewritten;
        if (reply.Ports.Count < index.SupportedCount)
        {
            if (!options.IsReply) return SdpRewriteResult.InsufficientPorts;
            result = SdpRewriteResult.RewrittenWithExtraStreams;
        }

        var relayIp = Encoding.ASCII.GetBytes(reply.RelayIp);
        var start = splices.Count;
        var removedSessionAddress = false;
        var sessionAddress = index.SessionConnectionAddress;
        if (sessionAddress.IsPresent && !IsNullAddress(sessionAddress.Slice(body)))
        {
            if (index.SupportedCount == index.Media.Count)
            {
                Replace(splices, body, sessionAddress, relayIp);
            }
            else
            {
                splices.Add(new SdpSplice(index.SessionConnectionLine.Offset, index.SessionConnectionLine.Length, ReadOnlyMemory<byte>.Empty));
                removedSessionAddress = true;
            }
        }

        var portIndex = 0;
        foreach (var media in index.Media)
        {
            if (!media.IsSupported)
            {
                if (!media.ConnectionAddress.IsPresent && removedSessionAddress)
                    InsertConnectionLine(splices, index, media, sessionAddress.Slice(body));
                continue;
            }
            if (portIndex >= reply.Ports.Count) break;
            var port = reply.Ports[portIndex];
            if (!IsNullPort(media.Port.Slice(body))) Replace(splices, body, media.Port, Ascii(port));
            if (media.RtcpPort.IsPresent && !IsNullPort(media.RtcpPort.Slice(body))) Replace(splices, body, media.RtcpPort, Ascii(port + 1));
            if (media.RtcpAddress.IsPresent) Replace(splices, body, media.RtcpAddress, relayIp);
            if (media.ConnectionAddress.IsPresent)
            {
                if (!IsNullAddress(media.ConnectionAddress.Slice(body))) Replace(splices, body, media.ConnectionAddress, relayIp);
            }
            else if (removedSessionAddress)
            {
                InsertConnectionLine(splices, index, media, relayIp);
            }
            if (options.IceCandidatePriority is { } priority && index.HasIce(media) && media.FirstCandidateOffset >= 0)
                InsertRelayCandidates(splices, index, media, reply.RelayIp, port, priority);
            portIndex++;
        }

        SortFrom(splices, start);
        return result;
    }

    /// <summary>The module's <c>ice_candidate=low-priority</c>: type preference 0 (below every other candidate).</summary>
    public const uint LowIceCandidatePriority = 16777215;

    /// <summary>The module's <c>ice_candidate=high-priority</c>: type preference 130, above host candidates' 126.</summary>
    public const uint HighIceCandidatePriority = 2197815295;

    /// <summary>
    /// A candidate priority per RFC 8445 §5.1.2.1: 2^24·type preference + 2^8·local preference + (256 − component).
    /// With local preference 65535 and component 1 this is the module's (type preference &lt;&lt; 24) + 16777215.
    /// </summary>
    public static uint IceCandidatePriority(uint typePreference, uint localPreference = 65535, uint component = 1) =>
        (typePreference << 24) + (localPreference << 8) + (256 - component);

    private static void InsertRelayCandidates(List<SdpSplice> splices, SdpIndex index, in SdpMediaSection media, string relayIp, int port, uint priority)
    {
        // The foundation only has to differ from the phone's own ones: R + the relay address in hex.
        var foundation = "R" + BinaryPrimitives.ReadUInt32LittleEndian(IPAddress.Parse(relayIp).GetAddressBytes()).ToString("x", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append("a=candidate:").Append(foundation).Append(" 1 UDP ").Append(priority.ToString(CultureInfo.InvariantCulture))
            .Append(' ').Append(relayIp).Append(' ').Append(port.ToString(CultureInfo.InvariantCulture)).Append(" typ relay").Append(index.LineSeparator);
        if (media.HasRtcpIceCandidate)
        {
            text.Append("a=candidate:").Append(foundation).Append(" 2 UDP ").Append((priority - 1).ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(relayIp).Append(' ').Append((port + 1).ToString(CultureInfo.InvariantCulture)).Append(" typ relay").Append(index.LineSeparator);
        }
        splices.Add(new SdpSplice(media.FirstCandidateOffset, 0, Encoding.ASCII.GetBytes(text.ToString())));
    }

    private static void InsertConnectionLine(List<SdpSplice> splices, SdpIndex index, in SdpMediaSection media, ReadOnlySpan<byte> address)
    {
        var line = Encoding.ASCII.GetBytes("c=IN IP4 " + Encoding.ASCII.GetString(address) + index.LineSeparator);
        splices.Add(new SdpSplice(media.MediaLine.End, 0, line));
    }

    private static void Replace(List<SdpSplice> splices, ReadOnlySpan<byte> body, SdpRange range, byte[] replacement)
    {
        if (range.Slice(body).SequenceEqual(replacement)) return;
        splices.Add(new SdpSplice(range.Offset, range.Length, replacement));
    }

    private static void SortFrom(List<SdpSplice> splices, int start)
    {
        // Stable by offset: insertions at one point keep the order they were made in.
        var tail = splices.GetRange(start, splices.Count - start)
            .Select((splice, order) => (splice, order))
            .OrderBy(x => x.splice.Offset).ThenBy(x => x.order)
            .Select(x => x.splice)
            .ToList();
        splices.RemoveRange(start, splices.Count - start);
        splices.AddRange(tail);
    }

    private static byte[] Ascii(int value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    private static bool IsNullAddress(ReadOnlySpan<byte> address) => address.SequenceEqual("0.0.0.0"u8);

    private static bool IsNullPort(ReadOnlySpan<byte> port) => port is [(byte)'0'];
}
