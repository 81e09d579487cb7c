using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

/// <summary>The character table matches the ABNF sets of RFC 3261 section 25.1, octet by octet.</summary>
public class SipGrammarTests
{
    private const string Mark = "-_.!~*'()";

    [Fact]
    public void Character_classes_match_the_rfc_3261_rules()
    {
        for (int i = 0; i < 256; i++)
        {
            byte b = (byte)i;
            char c = (char)i;
            bool alphaNum = i < 128 && char.IsAsciiLetterOrDigit(c);
            bool unreserved = alphaNum || Mark.Contains(c, StringComparison.Ordinal);

            SipGrammar.IsToken(b).ShouldBe(alphaNum || "-.!%*_+`'~".Contains(c, StringComparison.Ordinal), $"token {i}");
            SipGrammar.IsUnreserved(b).ShouldBe(unreserved, $"unreserved {i}");
            SipGrammar.IsUserChar(b).ShouldBe(unreserved || "&=+$,;?/".Contains(c, StringComparison.Ordinal), $"user {i}");
            SipGrammar.IsPasswordChar(b).ShouldBe(unreserved || "&=+$,".Contains(c, StringComparison.Ordinal), $"password {i}");
            SipGrammar.IsParamChar(b).ShouldBe(unreserved || "[]/:&+$".Contains(c, StringComparison.Ordinal), $"paramchar {i}");
            SipGrammar.IsHeaderChar(b).ShouldBe(unreserved || "[]/?:+$".Contains(c, StringComparison.Ordinal), $"hnv {i}");
            SipGrammar.IsWordChar(b).ShouldBe(alphaNum || "-.!%*_+`'~()<>:\\\"/[]?{}".Contains(c, StringComparison.Ordinal), $"word {i}");
            SipGrammar.IsHostnameChar(b).ShouldBe(alphaNum || c is '-' or '.', $"hostname {i}");
            SipGrammar.IsSchemeChar(b).ShouldBe(alphaNum || c is '+' or '-' or '.', $"scheme {i}");
        }
    }

    [Fact]
    public void Token_scan_stops_at_the_first_non_token_octet_for_every_octet()
    {
        for (int i = 0; i < 256; i++)
        {
            byte[] text = [(byte)'a', (byte)'b', (byte)i, (byte)'c'];
            int expected = SipGrammar.IsToken((byte)i) ? 4 : 2;

            SipGrammar.ScanToken(text, 0).ShouldBe(expected, $"octet {i}");
        }

        SipGrammar.ScanToken("abc"u8, 3).ShouldBe(3);
    }

    [Theory]
    [InlineData("0068", 255UL, true, 68UL)]
    [InlineData("255", 255UL, true, 255UL)]
    [InlineData("256", 255UL, false, 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue, true, ulong.MaxValue)]
    [InlineData("18446744073709551616", ulong.MaxValue, false, 0UL)]
    [InlineData("99999999999999999999999", ulong.MaxValue, false, 0UL)]
    [InlineData("-1", ulong.MaxValue, false, 0UL)]
    [InlineData("", ulong.MaxValue, false, 0UL)]
    [InlineData("1 ", ulong.MaxValue, false, 0UL)]
    public void Decimal_values_never_wrap(string text, ulong max, bool ok, ulong expected)
    {
        SipGrammar.TryParseDecimal(System.Text.Encoding.ASCII.GetBytes(text), max, out ulong value).ShouldBe(ok);
        if (ok)
        {
            value.ShouldBe(expected);
        }
    }
}
