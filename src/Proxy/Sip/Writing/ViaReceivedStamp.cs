using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Writing;

/// <summary>
/// What a server does to the top Via of a request it receives (RFC 3261 18.2.1, RFC 3581 section 4):
/// add "received" when the source address differs from sent-by (always when rport is present),
/// and give an empty "rport" the source port. Recorded as splices, so the forwarded request and
/// any stateless reply built from it carry the stamp.
/// </summary>
public static class ViaReceivedStamp
{
    /// <param name="sourceAddress">The source IP as text, IPv6 without brackets (e.g. "192.0.2.1", "::1").</param>
    /// <returns>False when the message has no parsable top Via.</returns>
    public static bool Apply(SipMessage request, ReadOnlySpan<byte> sourceAddress, int sourcePort)
    {
        if (!request.TryGetTopVia(out SipVia via))
        {
            return false;
        }

        ReadOnlySpan<byte> host = request[via.Host];
        if (host.Length >= 2 && host[0] == '[')
        {
            host = host[1..^1];
        }

        bool needsReceived = via.HasRport || !System.Text.Ascii.EqualsIgnoreCase(host, sourceAddress);

        // rport first: when it is the last parameter both edits are insertions at the same offset,
        // and "rport=PORT" must come before ";received=".
        if (via.HasRport && via.RportValue < 0)
        {
            Span<byte> space = request.Edits.Reserve(via.Rport.End, 0, 1 + SpanWriter.DigitCount(sourcePort));
            space[0] = (byte)'=';
            sourcePort.TryFormat(space[1..], out _, default, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (needsReceived)
        {
            if (via.Received.IsPresent)
            {
                request.Edits.Replace(via.Received.Offset, via.Received.Length, sourceAddress);
            }
            else
            {
                Span<byte> space = request.Edits.Reserve(via.Value.End, 0, ";received="u8.Length + sourceAddress.Length);
                ";received="u8.CopyTo(space);
                sourceAddress.CopyTo(space[";received="u8.Length..]);
            }
        }

        return true;
    }
}
