using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Tests.Sip.Parsing;

public class SipParseErrorsTests
{
    [Fact]
    public void Every_reason_maps_to_its_own_answer_for_a_request()
    {
        var phrases = new HashSet<string>();
        foreach (SipParseError error in Enum.GetValues<SipParseError>())
        {
            SipErrorAnswer answer = SipParseErrors.GetAnswer(error, isRequest: true);
            if (answer.IsSilentDrop)
            {
                error.ShouldBeOneOf(SipParseError.None, SipParseError.EmptyMessage, SipParseError.MalformedStatusCode);
                continue;
            }

            answer.StatusCode.ShouldBeOneOf(400, 413, 416, 420, 483, 501, 505, 513);
            phrases.Add(answer.ReasonPhrase).ShouldBeTrue($"{error} shares the phrase \"{answer.ReasonPhrase}\"");
        }
    }

    [Fact]
    public void A_response_is_never_answered()
    {
        foreach (SipParseError error in Enum.GetValues<SipParseError>())
        {
            SipParseErrors.GetAnswer(error, isRequest: false).IsSilentDrop.ShouldBeTrue(error.ToString());
        }
    }

    [Theory]
    [InlineData(SipParseError.UnsupportedVersion, 505)]
    [InlineData(SipParseError.UnsupportedUriScheme, 416)]
    [InlineData(SipParseError.BadExtension, 420)]
    [InlineData(SipParseError.TooManyHops, 483)]
    [InlineData(SipParseError.ExtensionMethodCSeqMismatch, 501)]
    [InlineData(SipParseError.BodyTooLarge, 413)]
    [InlineData(SipParseError.MessageTooLarge, 513)]
    [InlineData(SipParseError.MalformedVia, 400)]
    public void Codes_named_by_rfc_3261_and_rfc_4475(SipParseError error, int status) =>
        SipParseErrors.GetAnswer(error, isRequest: true).StatusCode.ShouldBe(status);
}
