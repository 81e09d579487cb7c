using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// The NAT heuristics over one received message: what its headers and SDP claim against where the
/// packet really came from. Reads the message as received (edits made earlier in the script do not count),
/// as SER's tests do.
/// </summary>
public static class NatDetector
{
    /// <param name="destination">The destination set by loose_route or lookup (dst_uri), if any; used by <see cref="NatUacTests.TargetDiffers"/>.</param>
    public static bool Any(SipMessage message, in ReceiveInfo received, NatUacTests tests, ReadOnlySpan<byte> destination = default)
    {
        ReadOnlySpan<byte> source = SourceAddress(received);
        int sourcePort = received.SourcePort;
        return (tests.HasFlag(NatUacTests.ContactPrivate) && ContactIsPrivate(message))
            || (tests.HasFlag(NatUacTests.ViaReceived) && ViaHostDiffers(message, source))
            || (tests.HasFlag(NatUacTests.ViaPrivate) && ViaIsPrivate(message))
            || (tests.HasFlag(NatUacTests.SdpPrivate) && SdpHas(message, source, SdpTest.Private))
            || (tests.HasFlag(NatUacTests.ViaPort) && ViaPortDiffers(message, sourcePort))
            || (tests.HasFlag(NatUacTests.SourcePrivate) && PrivateAddress.IsPrivate(source))
            || (tests.HasFlag(NatUacTests.ContactPort) && ContactPortDiffers(message, sourcePort))
            || (tests.HasFlag(NatUacTests.SdpAddressDiffers) && SdpHas(message, source, SdpTest.DiffersFromSource))
            || (tests.HasFlag(NatUacTests.TargetDiffers) && TargetDiffers(message, destination));
    }

    /// <param name="sipAsymmetric">The client is on the sip_asymmetrics list: its source port is not compared.</param>
    public static bool Any(SipMessage message, in ReceiveInfo received, ClientNatTests tests, bool sipAsymmetric)
    {
        ReadOnlySpan<byte> source = SourceAddress(received);
        return (tests.HasFlag(ClientNatTests.ContactPrivate) && ContactIsPrivate(message))
            || (tests.HasFlag(ClientNatTests.SourceDiffersFromVia)
                && (ViaHostDiffers(message, source) || (!sipAsymmetric && ViaPortDiffers(message, received.SourcePort))))
            || (tests.HasFlag(ClientNatTests.ViaPrivate) && ViaIsPrivate(message));
    }

    /// <summary>The source IP's bytes, an IPv4-mapped IPv6 source (a dual-stack socket) as its IPv4 address.</summary>
    public static ReadOnlySpan<byte> SourceAddress(in ReceiveInfo received)
    {
        ReadOnlySpan<byte> bytes = received.SourceAddressBytes;
        return bytes.Length == 16 && bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xff && bytes[11] == 0xff
            ? bytes[12..]
            : bytes;
    }

    public static bool ContactIsPrivate(SipMessage message) =>
        TryGetFirstContactUri(message, out var uri) && PrivateAddress.IsPrivateHost(message[uri.Host]);

    public static bool ContactPortDiffers(SipMessage message, int sourcePort) =>
        TryGetFirstContactUri(message, out var uri) && PortOrDefault(uri.Port, uri.Scheme) != sourcePort;

    public static bool ViaIsPrivate(SipMessage message) =>
        message.TryGetTopVia(out var via) && PrivateAddress.IsPrivateHost(message[via.Host]);

    /// <summary>A host name in sent-by differs from any source address, as SER's string compare finds.</summary>
    public static bool ViaHostDiffers(SipMessage message, ReadOnlySpan<byte> source) =>
        message.TryGetTopVia(out var via) && !PrivateAddress.SameAddress(message[via.Host], source);

    public static bool ViaPortDiffers(SipMessage message, int sourcePort) =>
        message.TryGetTopVia(out var via) && (via.Port >= 0 ? via.Port : ResponseTargets.DefaultSipPort) != sourcePort;

    /// <summary>The first Contact's URI when it is a SIP URI (a wildcard or another scheme has no host to test).</summary>
    public static bool TryGetFirstContactUri(SipMessage message, out SipUri uri)
    {
        foreach (var contact in message.GetContacts())
        {
            uri = contact.ParsedUri;
            return !contact.IsWildcard && uri.IsSipOrSips && uri.Host.IsPresent;
        }

        uri = default;
        return false;
    }

    private static int PortOrDefault(int port, UriScheme scheme) =>
        port > 0 ? port : scheme == UriScheme.Sips ? ResponseTargets.DefaultSipsPort : ResponseTargets.DefaultSipPort;

    private enum SdpTest
    {
        Private,
        DiffersFromSource,
    }

    /// <summary>
    /// Walks every c= line of the body itself (IPv6 included: the media index only takes what the relay can serve),
    /// "c=IN IP4 192.168.1.10" giving its third token.
    /// </summary>
    private static bool SdpHas(SipMessage message, ReadOnlySpan<byte> source, SdpTest test)
    {
        ReadOnlySpan<byte> body = message[message.Body];
        while (!body.IsEmpty)
        {
            int newline = body.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline >= 0 ? body[..newline] : body;
            body = newline >= 0 ? body[(newline + 1)..] : default;
            if (line.Length > 2 && line[0] == 'c' && line[1] == '=' && Holds(ThirdToken(line.TrimEnd((byte)'\r')[2..]), source, test))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> ThirdToken(ReadOnlySpan<byte> value)
    {
        for (int token = 0; token < 2; token++)
        {
            int space = value.IndexOf((byte)' ');
            if (space < 0)
            {
                return default;
            }

            value = value[(space + 1)..].TrimStart((byte)' ');
        }

        int end = value.IndexOfAny((byte)' ', (byte)'/');
        return end >= 0 ? value[..end] : value;
    }

    private static bool Holds(ReadOnlySpan<byte> address, ReadOnlySpan<byte> source, SdpTest test) =>
        !address.IsEmpty && (test == SdpTest.Private ? PrivateAddress.IsPrivateHost(address) : !PrivateAddress.SameAddress(address, source));

    private static bool TargetDiffers(SipMessage message, ReadOnlySpan<byte> destination)
    {
        if (message.IsRequest)
        {
            ReadOnlySpan<byte> requestUri = message[message.RequestUri];
            if (destination.IsEmpty
                || !SipUriParser.TryParse(destination, new TextRange(0, destination.Length), out var target)
                || !SipUriParser.TryParse(requestUri, new TextRange(0, requestUri.Length), out var original))
            {
                return false;
            }

            return PortOrDefault(target.Port, target.Scheme) != PortOrDefault(original.Port, original.Scheme)
                || !System.Text.Ascii.EqualsIgnoreCase(target.Host.Of(destination), original.Host.Of(requestUri));
        }

        return SecondViaDiffers(message);
    }

    /// <summary>In a reply the top Via is the proxy's own; the second is the hop before it, stamped with received/rport.</summary>
    private static bool SecondViaDiffers(SipMessage message)
    {
        int seen = 0;
        foreach (var value in message.GetValues(HeaderId.Via))
        {
            if (++seen < 2)
            {
                continue;
            }

            if (!ViaParser.TryParse(message.Span, value, out var via))
            {
                return false;
            }

            bool hostDiffers = via.Received.IsPresent && !System.Text.Ascii.EqualsIgnoreCase(message[via.Received], message[via.Host]);
            bool portDiffers = via.RportValue >= 0 && via.RportValue != (via.Port >= 0 ? via.Port : ResponseTargets.DefaultSipPort);
            return hostDiffers || portDiffers;
        }

        return false;
    }
}
