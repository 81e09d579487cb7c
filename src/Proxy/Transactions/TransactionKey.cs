namespace NatEdge.Proxy.Transactions;

/// <summary>
/// Writes the byte strings under which transactions are filed, so that a lookup is one hash and
/// one compare on a stack buffer. The fields are joined with 0xFF, a byte that UTF-8 SIP text never
/// contains, after a leading byte that tells the kinds apart.
/// </summary>
/// <remarks>
/// Server side, RFC 3261 section 17.2.3: a top Via branch starting with the magic cookie identifies
/// the transaction together with the sent-by and the method, where ACK counts as INVITE (the ACK of
/// a negative answer belongs to the INVITE transaction). A CANCEL has its own transaction; to find
/// the INVITE it cancels, build the key with the INVITE method from the CANCEL's Via.
/// Without the cookie (RFC 2543 peers) the key is the Request-URI, From tag, Call-ID, CSeq number,
/// top Via and method. The RFC also compares To tags, but the ACK carries the tag our answer added;
/// the other fields already single out the request, so the To tag is left out and the ACK matches.
/// Client side, section 17.1.3: our own branch and the CSeq method; the sent-by is always ours.
/// </remarks>
public static class TransactionKey
{
    /// <summary>Keys up to this length fit a stack buffer; longer ones (huge Request-URIs) go to the heap.</summary>
    public const int StackLimit = 512;

    private const byte Separator = 0xFF;
    private const byte ServerRfc3261 = (byte)'S';
    private const byte ServerRfc2543 = (byte)'L';
    private const byte Client = (byte)'C';

    /// <summary>The prefix of a branch built by an RFC 3261 element (section 8.1.1.7).</summary>
    public static ReadOnlySpan<byte> MagicCookie => "z9hG4bK"u8;

    public static bool HasMagicCookie(ReadOnlySpan<byte> branch) => branch.StartsWith(MagicCookie);

    /// <summary>ACK is matched to the INVITE transaction it acknowledges.</summary>
    public static ReadOnlySpan<byte> MatchingMethod(ReadOnlySpan<byte> method) => method.SequenceEqual("ACK"u8) ? "INVITE"u8 : method;

    public static int Rfc3261Length(ReadOnlySpan<byte> method, ReadOnlySpan<byte> branch, ReadOnlySpan<byte> sentByHost, ReadOnlySpan<byte> sentByPort)
        => 1 + MatchingMethod(method).Length + 1 + branch.Length + 1 + sentByHost.Length + 1 + sentByPort.Length;

    /// <summary>Server key for a request whose top Via branch has the magic cookie; the host compares case-insensitively.</summary>
    public static int WriteRfc3261(Span<byte> destination, ReadOnlySpan<byte> method, ReadOnlySpan<byte> branch, ReadOnlySpan<byte> sentByHost, ReadOnlySpan<byte> sentByPort)
    {
        var writer = new KeyWriter(destination, ServerRfc3261);
        writer.Field(MatchingMethod(method));
        writer.Field(branch);
        writer.LowercaseField(sentByHost);
        writer.Last(sentByPort);
        return writer.Written;
    }

    public static int Rfc2543Length(ReadOnlySpan<byte> method, ReadOnlySpan<byte> requestUri, ReadOnlySpan<byte> fromTag, ReadOnlySpan<byte> callId, ReadOnlySpan<byte> cseqNumber, ReadOnlySpan<byte> topVia)
        => 1 + MatchingMethod(method).Length + 1 + requestUri.Length + 1 + fromTag.Length + 1 + callId.Length + 1 + cseqNumber.Length + 1 + topVia.Length;

    /// <summary>Server key for a request from an RFC 2543 element (no magic cookie in its branch).</summary>
    public static int WriteRfc2543(Span<byte> destination, ReadOnlySpan<byte> method, ReadOnlySpan<byte> requestUri, ReadOnlySpan<byte> fromTag, ReadOnlySpan<byte> callId, ReadOnlySpan<byte> cseqNumber, ReadOnlySpan<byte> topVia)
    {
        var writer = new KeyWriter(destination, ServerRfc2543);
        writer.Field(MatchingMethod(method));
        writer.Field(requestUri);
        writer.Field(fromTag);
        writer.Field(callId);
        writer.Field(cseqNumber);
        writer.Last(topVia);
        return writer.Written;
    }

    public static int ClientLength(ReadOnlySpan<byte> cseqMethod, ReadOnlySpan<byte> branch) => 1 + cseqMethod.Length + 1 + branch.Length;

    /// <summary>Client key: the branch this proxy put in its Via and the CSeq method of the request or response.</summary>
    public static int WriteClient(Span<byte> destination, ReadOnlySpan<byte> cseqMethod, ReadOnlySpan<byte> branch)
    {
        var writer = new KeyWriter(destination, Client);
        writer.Field(cseqMethod);
        writer.Last(branch);
        return writer.Written;
    }

    private ref struct KeyWriter
    {
        private readonly Span<byte> _destination;

        public KeyWriter(Span<byte> destination, byte kind)
        {
            _destination = destination;
            _destination[0] = kind;
            Written = 1;
        }

        public int Written { get; private set; }

        public void Field(ReadOnlySpan<byte> value)
        {
            Last(value);
            _destination[Written++] = Separator;
        }

        public void LowercaseField(ReadOnlySpan<byte> value)
        {
            var target = _destination.Slice(Written, value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                var b = value[i];
                target[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            }

            Written += value.Length;
            _destination[Written++] = Separator;
        }

        public void Last(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_destination[Written..]);
            Written += value.Length;
        }
    }
}
