using System.Buffers;

namespace NatEdge.Proxy.Sip.Parsing;

/// <summary>
/// Character classes named after the ABNF rules of RFC 3261 section 25.1, and the small scanning
/// helpers every grammar element's parser shares. Inside a header value, CR and LF only occur as
/// line folding, so <see cref="IsLws"/> treats them as white space.
/// </summary>
/// <summary>The octets allowed unescaped in each part of a SIP URI (RFC 3261 section 25.1).</summary>
public enum UriCharSet : byte
{
    User,
    Password,
    Parameter,
    Header,
}

public static class SipGrammar
{
    // token (RFC 3261 25.1) as vectorizable search values; IsToken below answers the same per octet.
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    [Flags]
    private enum CharClass : ushort
    {
        None = 0,
        Token = 1 << 0,          // token
        Unreserved = 1 << 1,     // alphanum / mark
        UserExtra = 1 << 2,      // user-unreserved: & = + $ , ; ? /
        PasswordExtra = 1 << 3,  // password: & = + $ ,
        ParamExtra = 1 << 4,     // param-unreserved: [ ] / : & + $
        HeaderExtra = 1 << 5,    // hnv-unreserved: [ ] / ? : + $
        Word = 1 << 6,           // word (Call-ID)
        Hostname = 1 << 7,       // alphanum / - / .
        SchemeTail = 1 << 8,     // ALPHA / DIGIT / + / - / .
    }

    public static bool IsToken(byte b) => Has(b, CharClass.Token);

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsAlpha(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsHexDigit(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

    /// <summary>SP or HTAB (WSP).</summary>
    public static bool IsWsp(byte b) => b == ' ' || b == '\t';

    /// <summary>WSP or the CR/LF of a folded line.</summary>
    public static bool IsLws(byte b) => b == ' ' || b == '\t' || b == '\r' || b == '\n';

    public static bool IsUnreserved(byte b) => Has(b, CharClass.Unreserved);

    public static bool IsUserChar(byte b) => Has(b, CharClass.Unreserved | CharClass.UserExtra);

    public static bool IsPasswordChar(byte b) => Has(b, CharClass.Unreserved | CharClass.PasswordExtra);

    public static bool IsParamChar(byte b) => Has(b, CharClass.Unreserved | CharClass.ParamExtra);

    public static bool IsHeaderChar(byte b) => Has(b, CharClass.Unreserved | CharClass.HeaderExtra);

    public static bool IsWordChar(byte b) => Has(b, CharClass.Word);

    public static bool IsHostnameChar(byte b) => Has(b, CharClass.Hostname);

    public static bool IsSchemeChar(byte b) => Has(b, CharClass.SchemeTail);

    public static int SkipLws(ReadOnlySpan<byte> text, int position)
    {
        while (position < text.Length && IsLws(text[position]))
        {
            position++;
        }

        return position;
    }

    public static int SkipLwsBackward(ReadOnlySpan<byte> text, int start, int end)
    {
        while (end > start && IsLws(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    /// <summary>
    /// quoted-string: the opening quote is at <paramref name="position"/>; on success
    /// <paramref name="end"/> is just past the closing quote. quoted-pair escapes any octet but CR/LF.
    /// </summary>
    public static bool TryScanQuotedString(ReadOnlySpan<byte> text, int position, out int end)
    {
        end = position;
        if (position >= text.Length || text[position] != '"')
        {
            return false;
        }

        int i = position + 1;
        while (i < text.Length)
        {
            int next = text[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return false;
            }

            i += next;
            if (text[i] == '"')
            {
                end = i + 1;
                return true;
            }

            // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
            if (i + 1 >= text.Length || text[i + 1] == '\r' || text[i + 1] == '\n' || text[i + 1] > 0x7F)
            {
                return false;
            }

            i += 2;
        }

        return false;
    }

    /// <summary>Scans 1*token from <paramref name="position"/>; returns the end (== position when none).</summary>
    public static int ScanToken(ReadOnlySpan<byte> text, int position)
    {
        int length = text[position..].IndexOfAnyExcept(TokenChars);
        return length < 0 ? text.Length : position + length;
    }

    /// <summary>
    /// Decimal digits only (leading zeros allowed, as in "0068"); false when empty, not all digits,
    /// or larger than <paramref name="max"/>. Never wraps around, so huge values are rejected.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> digits, ulong max, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            ulong digit = (ulong)(b - '0');
            if (digit > max || value > (max - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>True when every %XX escape is well formed and every other octet belongs to <paramref name="set"/>.</summary>
    public static bool IsEscapedRun(ReadOnlySpan<byte> text, UriCharSet set)
    {
        CharClass allowed = set switch
        {
            UriCharSet.User => CharClass.Unreserved | CharClass.UserExtra,
            UriCharSet.Password => CharClass.Unreserved | CharClass.PasswordExtra,
            UriCharSet.Parameter => CharClass.Unreserved | CharClass.ParamExtra,
            _ => CharClass.Unreserved | CharClass.HeaderExtra,
        };

        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == '%')
            {
                if (i + 2 >= text.Length || !IsHexDigit(text[i + 1]) || !IsHexDigit(text[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!Has(b, allowed))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Has(byte b, CharClass mask) => ((CharClass)s_classes[b] & mask) != 0;

    // CharClass flags of every octet, from the ABNF sets above: letters and digits are in token,
    // unreserved, word, hostname and scheme; the punctuation of each set is listed in the CharClass
    // comments. SipGrammarTests checks every octet against the RFC's definitions. An array rather
    // than a span over constant data: a ushort span property allocates in unoptimized code.
    private static readonly ushort[] s_classes =
    [
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x043, 0x040, 0x000, 0x03C, 0x041, 0x01C, 0x043, 0x042, 0x042, 0x043, 0x17D, 0x00C, 0x1C3, 0x1C3, 0x074,
        0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x070, 0x004, 0x040, 0x00C, 0x040, 0x064,
        0x000, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3,
        0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x070, 0x040, 0x070, 0x000, 0x043,
        0x041, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3,
        0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x1C3, 0x040, 0x000, 0x040, 0x043, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
        0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
    ];
}
