using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (RFC 3261 section 25.1), with LWS
/// allowed around the slashes of sent-protocol and the colon of sent-by. One value at a time: the
/// caller splits a Via line at its commas.
/// </summary>
public static class ViaParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, TextRange value, out SipVia via)
    {
        via = default;
        if (!value.IsPresent || value.IsEmpty || value.End > text.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> span = text[..value.End];
        int end = value.End;
        int i = value.Offset;

        if (!TryReadToken(span, ref i, out TextRange protocolName)
            || !TrySkipSlash(span, ref i)
            || !TryReadToken(span, ref i, out TextRange protocolVersion)
            || !TrySkipSlash(span, ref i)
            || !TryReadToken(span, ref i, out TextRange transportName))
        {
            return false;
        }

        int hostStart = SipGrammar.SkipLws(span, i);
        if (hostStart == i || hostStart >= end)
        {
            return false;
        }

        if (!SipUriParser.TryParseHostPort(span, hostStart, end, out TextRange host, out _, out int port, out int afterHost))
        {
            return false;
        }

        // sent-by allows LWS around its colon ("host : 5060"); TryParseHostPort reads the tight form.
        int sentByEnd = afterHost;
        if (port < 0)
        {
            int colon = SipGrammar.SkipLws(span, afterHost);
            if (colon < end && span[colon] == ':')
            {
                int portStart = SipGrammar.SkipLws(span, colon + 1);
                int portEnd = portStart;
                while (portEnd < end && SipGrammar.IsDigit(span[portEnd]))
                {
                    portEnd++;
                }

                if (!SipGrammar.TryParseDecimal(span[portStart..portEnd], 65535, out ulong parsedPort))
                {
                    return false;
                }

                port = (int)parsedPort;
                sentByEnd = portEnd;
            }
        }

        TextRange branch = TextRange.None;
        TextRange received = TextRange.None;
        TextRange rport = TextRange.None;
        TextRange maddr = TextRange.None;
        int rportValue = -1;
        var reader = new SipParameterReader(span, sentByEnd, end);
        while (reader.MoveNext())
        {
            ReadOnlySpan<byte> name = reader.Name.Of(span);
            switch (name.Length)
            {
                case 6 when System.Text.Ascii.EqualsIgnoreCase(name, "branch"u8):
                    if (!reader.Value.IsPresent || reader.Value.IsEmpty || reader.IsQuoted)
                    {
                        return false;
                    }

                    branch = reader.Value;
                    break;
                case 8 when System.Text.Ascii.EqualsIgnoreCase(name, "received"u8):
                    if (!reader.Value.IsPresent || reader.Value.IsEmpty)
                    {
                        return false;
                    }

                    received = reader.Value;
                    break;
                case 5 when System.Text.Ascii.EqualsIgnoreCase(name, "rport"u8):
                    rportValue = -1;
                    if (reader.Value.IsPresent)
                    {
                        if (!SipGrammar.TryParseDecimal(reader.Value.Of(span), 65535, out ulong parsed))
                        {
                            return false;
                        }

                        rportValue = (int)parsed;
                    }

                    rport = TextRange.FromBounds(reader.Name.Offset, reader.Value.IsPresent ? reader.Value.End : reader.Name.End);
                    break;
                case 5 when System.Text.Ascii.EqualsIgnoreCase(name, "maddr"u8):
                    maddr = reader.Value;
                    break;
            }
        }

        if (reader.Failed)
        {
            return false;
        }

        via = new SipVia
        {
            Value = value,
            ProtocolName = protocolName,
            ProtocolVersion = protocolVersion,
            TransportName = transportName,
            Transport = ParseTransport(transportName.Of(span)),
            Host = host,
            Port = port,
            SentBy = TextRange.FromBounds(hostStart, sentByEnd),
            Parameters = TextRange.FromBounds(SipGrammar.SkipLws(span, sentByEnd), end),
            Branch = branch,
            Received = received,
            HasRport = rport.IsPresent,
            Rport = rport,
            RportValue = rportValue,
            Maddr = maddr,
        };
        return true;
    }

    public static SipTransport ParseTransport(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when System.Text.Ascii.EqualsIgnoreCase(name, "WS"u8) => SipTransport.Ws,
        3 when System.Text.Ascii.EqualsIgnoreCase(name, "UDP"u8) => SipTransport.Udp,
        3 when System.Text.Ascii.EqualsIgnoreCase(name, "TCP"u8) => SipTransport.Tcp,
        3 when System.Text.Ascii.EqualsIgnoreCase(name, "TLS"u8) => SipTransport.Tls,
        3 when System.Text.Ascii.EqualsIgnoreCase(name, "WSS"u8) => SipTransport.Wss,
        4 when System.Text.Ascii.EqualsIgnoreCase(name, "SCTP"u8) => SipTransport.Sctp,
        _ => SipTransport.Unknown,
    };

    private static bool TryReadToken(ReadOnlySpan<byte> text, ref int position, out TextRange token)
    {
        int start = SipGrammar.SkipLws(text, position);
        int end = SipGrammar.ScanToken(text, start);
        token = TextRange.FromBounds(start, end);
        position = end;
        return end > start;
    }

    private static bool TrySkipSlash(ReadOnlySpan<byte> text, ref int position)
    {
        int i = SipGrammar.SkipLws(text, position);
        if (i >= text.Length || text[i] != '/')
        {
            return false;
        }

        position = i + 1;
        return true;
    }
}
