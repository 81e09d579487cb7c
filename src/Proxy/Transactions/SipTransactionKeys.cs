using System.Globalization;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Transactions;

/// <summary>
/// Reads the matching fields out of a parsed message and writes its <see cref="TransactionKey"/>
/// into a caller's scratch buffer (a heap array only for keys longer than
/// <see cref="TransactionKey.StackLimit"/>).
/// </summary>
public static class SipTransactionKeys
{
    /// <summary>
    /// The server key of a request (RFC 3261 section 17.2.3). With <paramref name="cancelledInvite"/>
    /// set, the key of the INVITE transaction a CANCEL refers to (section 9.2). False when the
    /// request lacks the fields (no parsable top Via, or for an RFC 2543 peer no CSeq or From tag).
    /// </summary>
    public static bool TryGetServerKey(SipMessage request, Span<byte> scratch, out ReadOnlySpan<byte> key, bool cancelledInvite = false)
    {
        key = default;
        if (!request.IsRequest || !request.TryGetTopVia(out var via))
        {
            return false;
        }

        var method = cancelledInvite ? "INVITE"u8 : request[request.MethodName];
        var branch = request[via.Branch];
        if (TransactionKey.HasMagicCookie(branch))
        {
            var host = request[via.Host];
            Span<byte> portText = stackalloc byte[11];
            var port = FormatPort(via.Port, portText);
            var length = TransactionKey.Rfc3261Length(method, branch, host, port);
            var destination = length <= scratch.Length ? scratch : new byte[length];
            key = destination[..TransactionKey.WriteRfc3261(destination, method, branch, host, port)];
            return true;
        }

        if (!request.TryGetCSeq(out var cseq) || !request.TryGetFrom(out var from))
        {
            return false;
        }

        Span<byte> number = stackalloc byte[10];
        cseq.Number.TryFormat(number, out var numberLength, default, CultureInfo.InvariantCulture);
        var uri = request[request.RequestUri];
        var fromTag = request[from.Tag];
        var callId = request[request.CallId];
        var topVia = request[via.Value];
        var legacyLength = TransactionKey.Rfc2543Length(method, uri, fromTag, callId, number[..numberLength], topVia);
        var legacy = legacyLength <= scratch.Length ? scratch : new byte[legacyLength];
        key = legacy[..TransactionKey.WriteRfc2543(legacy, method, uri, fromTag, callId, number[..numberLength], topVia)];
        return true;
    }

    /// <summary>The client key of a response (RFC 3261 section 17.1.3): top Via branch and CSeq method.</summary>
    public static bool TryGetClientKey(SipMessage response, Span<byte> scratch, out ReadOnlySpan<byte> key)
    {
        key = default;
        if (!response.TryGetTopVia(out var via) || !via.Branch.IsPresent || !response.TryGetCSeq(out var cseq))
        {
            return false;
        }

        return TryWriteClientKey(response[cseq.MethodName], response[via.Branch], scratch, out key);
    }

    /// <summary>The client key of a branch this proxy sends, from its method and the branch it put in its Via.</summary>
    public static bool TryWriteClientKey(ReadOnlySpan<byte> method, ReadOnlySpan<byte> branch, Span<byte> scratch, out ReadOnlySpan<byte> key)
    {
        var length = TransactionKey.ClientLength(method, branch);
        var destination = length <= scratch.Length ? scratch : new byte[length];
        key = destination[..TransactionKey.WriteClient(destination, method, branch)];
        return true;
    }

    private static ReadOnlySpan<byte> FormatPort(int port, Span<byte> buffer)
    {
        if (port < 0)
        {
            return [];
        }

        port.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
        return buffer[..written];
    }
}
