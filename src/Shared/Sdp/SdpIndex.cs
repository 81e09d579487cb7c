using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.Shared.Control;

namespace NatEdge.Shared.Sdp;

/// <summary>
/// An index of the lines of an SDP body (RFC 4566) that the media relay cares about: session and stream
/// c= addresses, m= lines, <c>a=rtcp</c>, direction attributes and ICE candidates, all as offsets into the
/// original bytes. Built in one pass; nothing is copied. Used to build the <c>media</c> header (spec §1.3)
/// and by <see cref="SdpRewriter"/> to apply a relay's answer (spec §1.5).
/// </summary>
public sealed class SdpIndex
{
    /// <summary>The module handles at most 32 streams (spec §1.1).</summary>
    public const int MaxStreams = 32;

    private SdpIndex(SdpRange sessionConnectionLine, SdpRange sessionConnectionAddress, MediaDirection? sessionDirection,
        bool sessionHasIceAttributes, string lineSeparator, SdpMediaSection[] media)
    {
        SessionConnectionLine = sessionConnectionLine;
        SessionConnectionAddress = sessionConnectionAddress;
        SessionDirection = sessionDirection;
        SessionHasIceAttributes = sessionHasIceAttributes;
        LineSeparator = lineSeparator;
        Media = media;
    }

    /// <summary>The whole session-level c= line, line ending included.</summary>
    public SdpRange SessionConnectionLine { get; }
    public SdpRange SessionConnectionAddress { get; }
    public MediaDirection? SessionDirection { get; }
    public bool SessionHasIceAttributes { get; }
    /// <summary>The line ending the body uses (CRLF, or LF for bodies written that way).</summary>
    public string LineSeparator { get; }
    public IReadOnlyList<SdpMediaSection> Media { get; }

    /// <summary>
    /// An <c>a=remote-candidates</c> line is present: an offer that concludes ICE, which the module leaves
    /// untouched (and then skips the reply to it).
    /// </summary>
    public bool HasRemoteCandidates { get; private init; }

    public int SupportedCount
    {
        get
        {
            var count = 0;
            foreach (var m in Media) if (m.IsSupported) count++;
            return count;
        }
    }

    /// <summary>The stream's own c= address, else the session's.</summary>
    public SdpRange EffectiveAddress(in SdpMediaSection media) =>
        media.ConnectionAddress.IsPresent ? media.ConnectionAddress : SessionConnectionAddress;

    /// <summary>ICE is offered when ICE attributes exist (stream or session) and the stream has candidates (as the module decides).</summary>
    public bool HasIce(in SdpMediaSection media) => (media.HasIceAttributes || SessionHasIceAttributes) && media.HasIceCandidates;

    public static SdpParseError TryParse(ReadOnlySpan<byte> body, out SdpIndex? index)
    {
        index = null;
        var separator = body.IndexOf("\r\n"u8) >= 0 ? "\r\n" : "\n";
        var sessionLine = SdpRange.None;
        var sessionAddress = SdpRange.None;
        MediaDirection? sessionDirection = null;
        bool sessionUfrag = false, sessionPwd = false, remoteCandidates = false;
        bool mediaUfrag = false, mediaPwd = false;
        var media = new List<SdpMediaSection>();
        SdpMediaSection current = default;
        var inMedia = false;

        var position = 0;
        while (position < body.Length)
        {
            var rest = body[position..];
            var eol = rest.IndexOfAny((byte)'\r', (byte)'\n');
            var contentLength = eol < 0 ? rest.Length : eol;
            var next = position + contentLength;
            if (next < body.Length && body[next] == '\r') next++;
            if (next < body.Length && body[next] == '\n') next++;
            var line = body.Slice(position, contentLength);

            if (line.StartsWith("m="u8))
            {
                if (inMedia) media.Add(Close(current, position));
                if (media.Count == MaxStreams) return SdpParseError.TooManyStreams;
                var error = ParseMediaLine(line, position, next, out current);
                if (error != SdpParseError.None) return error;
                inMedia = true;
                mediaUfrag = mediaPwd = false;
            }
            else if (line.StartsWith("c="u8))
            {
                var address = ConnectionAddress(line, position);
                if (inMedia)
                {
                    if (!current.ConnectionAddress.IsPresent) current = current with { ConnectionAddress = address };
                }
                else if (!sessionAddress.IsPresent)
                {
                    sessionAddress = address;
                    sessionLine = new SdpRange(position, next - position);
                }
            }
            else if (line.StartsWith("a="u8))
            {
                var attribute = line[2..];
                var direction = DirectionOf(attribute);
                var ufrag = attribute.StartsWith("ice-ufrag:"u8);
                var pwd = attribute.StartsWith("ice-pwd:"u8);
                remoteCandidates |= attribute.StartsWith("remote-candidates"u8);
                if (!inMedia)
                {
                    sessionDirection ??= direction;
                    sessionUfrag |= ufrag;
                    sessionPwd |= pwd;
                }
                else
                {
                    if (current.Direction is null && direction is not null) current = current with { Direction = direction };
                    mediaUfrag |= ufrag;
                    mediaPwd |= pwd;
                    // ICE needs both credentials (RFC 8839 §5.4), as the module checks.
                    if (mediaUfrag && mediaPwd) current = current with { HasIceAttributes = true };
                    if (attribute.StartsWith("rtcp:"u8) && !current.RtcpPort.IsPresent) current = WithRtcp(current, attribute, position + 2);
                    if (attribute.StartsWith("candidate:"u8))
                    {
                        current = current with
                        {
                            HasIceCandidates = true,
                            FirstCandidateOffset = current.FirstCandidateOffset >= 0 ? current.FirstCandidateOffset : position,
                            HasRtcpIceCandidate = current.HasRtcpIceCandidate || CandidateComponent(attribute).SequenceEqual("2"u8),
                        };
                    }
                }
            }
            position = next;
        }
        if (inMedia) media.Add(Close(current, body.Length));

        var sections = media.ToArray();
        foreach (var m in sections)
        {
            if (!m.IsSupported) continue;
            var address = m.ConnectionAddress.IsPresent ? m.ConnectionAddress : sessionAddress;
            if (!address.IsPresent) return SdpParseError.MissingConnectionAddress;
            var text = address.Slice(body);
            if (text.IndexOf((byte)'/') >= 0) return SdpParseError.MulticastAddress;
            if (!IPAddress.TryParse(Encoding.ASCII.GetString(text), out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
                return SdpParseError.NotIPv4;
        }
        index = new SdpIndex(sessionLine, sessionAddress, sessionDirection, sessionUfrag && sessionPwd, separator, sections)
        {
            HasRemoteCandidates = remoteCandidates,
        };
        return SdpParseError.None;
    }

    /// <summary>
    /// The <c>media</c> header streams (spec §1.3) for the supported sections, in order: effective address,
    /// m-line port, first direction (stream, then session, else sendrecv), and <c>ice=yes|no</c>.
    /// </summary>
    public List<MediaStreamDescription> ToMediaStreams(ReadOnlySpan<byte> body)
    {
        var streams = new List<MediaStreamDescription>(Media.Count);
        foreach (var m in Media)
        {
            if (!m.IsSupported) continue;
            var address = Encoding.ASCII.GetString(EffectiveAddress(m).Slice(body));
            var port = int.Parse(m.Port.Slice(body), provider: System.Globalization.CultureInfo.InvariantCulture);
            var direction = m.Direction ?? SessionDirection ?? MediaDirection.SendRecv;
            streams.Add(new MediaStreamDescription(Encoding.ASCII.GetString(m.MediaType.Slice(body)), address, port, direction, HasIce(m)));
        }
        return streams;
    }

    private static SdpMediaSection Close(SdpMediaSection section, int end) =>
        section with { Block = new SdpRange(section.Block.Offset, end - section.Block.Offset) };

    private static SdpParseError ParseMediaLine(ReadOnlySpan<byte> line, int lineStart, int next, out SdpMediaSection section)
    {
        section = default;
        // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        var typeStart = 2;
        var typeEnd = line[typeStart..].IndexOf((byte)' ');
        if (typeEnd <= 0) return SdpParseError.MalformedMediaLine;
        typeEnd += typeStart;
        var portStart = typeEnd + 1;
        var portEnd = line[portStart..].IndexOf((byte)' ');
        if (portEnd <= 0) return SdpParseError.MalformedMediaLine;
        portEnd += portStart;
        var protoStart = portEnd + 1;
        var protoEnd = line[protoStart..].IndexOf((byte)' ');
        protoEnd = protoEnd < 0 ? line.Length : protoEnd + protoStart;
        if (protoEnd == protoStart) return SdpParseError.MalformedMediaLine;

        var proto = line[protoStart..protoEnd];
        var supported = StartsWithIgnoreCase(proto, "RTP"u8) || StartsWithIgnoreCase(proto, "udp"u8);
        var portToken = line[portStart..portEnd];
        var slash = portToken.IndexOf((byte)'/');
        if (slash >= 0)
        {
            if (supported && portToken[(slash + 1)..] is not [(byte)'1']) return SdpParseError.UnsupportedPortCount;
            portEnd = portStart + slash;
            portToken = portToken[..slash];
        }
        if (portToken.IsEmpty) return SdpParseError.MalformedMediaLine;
        foreach (var b in portToken) if (b is < (byte)'0' or > (byte)'9') return SdpParseError.MalformedMediaLine;

        section = new SdpMediaSection
        {
            MediaLine = new SdpRange(lineStart, next - lineStart),
            Block = new SdpRange(lineStart, 0),
            MediaType = new SdpRange(lineStart + typeStart, typeEnd - typeStart),
            Port = new SdpRange(lineStart + portStart, portEnd - portStart),
            Transport = new SdpRange(lineStart + protoStart, protoEnd - protoStart),
            IsSupported = supported,
            ConnectionAddress = SdpRange.None,
            RtcpPort = SdpRange.None,
            RtcpAddress = SdpRange.None,
            FirstCandidateOffset = -1,
        };
        return SdpParseError.None;
    }

    /// <summary>c=IN IP4 &lt;address&gt;: the third token.</summary>
    private static SdpRange ConnectionAddress(ReadOnlySpan<byte> line, int lineStart)
    {
        var token = 0;
        var i = 2;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ') i++;
            var start = i;
            while (i < line.Length && line[i] != ' ') i++;
            if (i == start) break;
            if (token == 2) return new SdpRange(lineStart + start, i - start);
            token++;
        }
        return SdpRange.None;
    }

    /// <summary>a=rtcp:&lt;port&gt; [IN IP4 &lt;address&gt;] (RFC 3605).</summary>
    private static SdpMediaSection WithRtcp(SdpMediaSection section, ReadOnlySpan<byte> attribute, int attributeStart)
    {
        var valueStart = "rtcp:"u8.Length;
        var i = valueStart;
        while (i < attribute.Length && attribute[i] is >= (byte)'0' and <= (byte)'9') i++;
        if (i == valueStart) return section;
        section = section with { RtcpPort = new SdpRange(attributeStart + valueStart, i - valueStart) };
        var rest = attribute[i..];
        var ip4 = rest.IndexOf(" IP4 "u8);
        if (ip4 < 0) return section;
        var addressStart = i + ip4 + 5;
        var addressEnd = addressStart;
        while (addressEnd < attribute.Length && attribute[addressEnd] != ' ') addressEnd++;
        return addressEnd > addressStart
            ? section with { RtcpAddress = new SdpRange(attributeStart + addressStart, addressEnd - addressStart) }
            : section;
    }

    private static MediaDirection? DirectionOf(ReadOnlySpan<byte> attribute)
    {
        // Matched without regard to case, as the module does.
        if (attribute.Length != 8) return null;
        if (Ascii.EqualsIgnoreCase(attribute, "sendrecv"u8)) return MediaDirection.SendRecv;
        if (Ascii.EqualsIgnoreCase(attribute, "sendonly"u8)) return MediaDirection.SendOnly;
        if (Ascii.EqualsIgnoreCase(attribute, "recvonly"u8)) return MediaDirection.RecvOnly;
        if (Ascii.EqualsIgnoreCase(attribute, "inactive"u8)) return MediaDirection.Inactive;
        return null;
    }

    /// <summary>candidate:&lt;foundation&gt; &lt;component-id&gt; ... (RFC 8839 §5.1): the second token.</summary>
    private static ReadOnlySpan<byte> CandidateComponent(ReadOnlySpan<byte> attribute)
    {
        var value = attribute["candidate:"u8.Length..];
        var space = value.IndexOf((byte)' ');
        if (space < 0) return [];
        value = value[(space + 1)..];
        var end = value.IndexOf((byte)' ');
        return end < 0 ? value : value[..end];
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) =>
        value.Length >= prefix.Length && Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix);
}
