using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Torture;

/// <summary>Each rejected torture message is rejected for the fault the RFC describes, not by accident.</summary>
public class TortureReasonTests
{
    [Theory]
    [InlineData("badinv01", SipParseError.MalformedVia)]             // extra semicolons and commas in Via
    [InlineData("clerr", SipParseError.BodyShorterThanContentLength)]
    [InlineData("ncl", SipParseError.InvalidContentLength)]          // Content-Length: -999
    [InlineData("scalar02", SipParseError.MalformedCSeq)]            // CSeq beyond 2**31
    [InlineData("scalarlg", SipParseError.MalformedCSeq)]            // response: CSeq beyond 2**31
    [InlineData("quotbal", SipParseError.MalformedTo)]               // unterminated quote in To
    [InlineData("ltgtruri", SipParseError.MalformedRequestUri)]      // <> around the Request-URI
    [InlineData("lwsruri", SipParseError.MalformedStartLine)]        // LWS inside the Request-URI
    [InlineData("lwsstart", SipParseError.MalformedStartLine)]       // several SP between elements
    [InlineData("trws", SipParseError.MalformedStartLine)]           // SP after SIP-Version
    [InlineData("escruri", SipParseError.RequestUriWithHeaders)]
    [InlineData("baddate", SipParseError.MalformedDate)]             // EST instead of GMT
    [InlineData("regbadct", SipParseError.MalformedContact)]         // addr-spec with ?headers
    [InlineData("badaspec", SipParseError.MalformedTo)]              // spaces inside <>
    [InlineData("baddn", SipParseError.MalformedFrom)]               // unquoted comma in display name
    [InlineData("badvers", SipParseError.UnsupportedVersion)]        // SIP/7.0
    [InlineData("mismatch01", SipParseError.CSeqMethodMismatch)]
    [InlineData("mismatch02", SipParseError.ExtensionMethodCSeqMismatch)]
    [InlineData("bigcode", SipParseError.MalformedStatusCode)]       // 4294967301
    [InlineData("badbranch", SipParseError.MalformedVia)]            // branch=z9hG4bK and nothing after it
    [InlineData("insuf", SipParseError.MissingRequiredHeader)]       // no Call-ID, From, To
    [InlineData("unkscm", SipParseError.UnsupportedUriScheme)]
    [InlineData("novelsc", SipParseError.UnsupportedUriScheme)]      // soap.beep:
    [InlineData("bext01", SipParseError.BadExtension)]
    [InlineData("multi01", SipParseError.DuplicateSingleValueHeader)]
    [InlineData("mcl01", SipParseError.ConflictingContentLength)]
    [InlineData("zeromf", SipParseError.TooManyHops)]
    public void Rejected_for_the_fault_the_rfc_describes(string name, SipParseError expected)
    {
        SipMessageParser.TryParse(TortureCorpus.Get(name).Bytes, out SipMessage? message, out _);

        SipRequestValidator.Default.Validate(message.ShouldNotBeNull()).ShouldBe(expected);
    }
}
