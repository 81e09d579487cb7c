using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Sip.Parsing;

public static class CSeqParser
{
    private const uint MaxSequenceNumber = int.MaxValue;

    public static bool TryParse(ReadOnlySpan<byte> text, TextRange value, out SipCSeq cseq)
    {
        cseq = default;
        if (!value.IsPresent || value.End > text.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> span = text[..value.End];
        int i = value.Offset;
        int digitsEnd = i;
        while (digitsEnd < value.End && SipGrammar.IsDigit(span[digitsEnd]))
        {
            digitsEnd++;
        }

        if (!SipGrammar.TryParseDecimal(span[i..digitsEnd], MaxSequenceNumber, out ulong number))
        {
            return false;
        }

        int methodStart = SipGrammar.SkipLws(span, digitsEnd);
        if (methodStart == digitsEnd)
        {
            return false;
        }

        int methodEnd = SipGrammar.ScanToken(span, methodStart);
        if (methodEnd == methodStart || SipGrammar.SkipLws(span, methodEnd) != value.End)
        {
            return false;
        }

        TextRange method = TextRange.FromBounds(methodStart, methodEnd);
        cseq = new SipCSeq((uint)number, SipMethods.Parse(method.Of(span)), method);
        return true;
    }
}
