using NatEdge.Proxy.Management;

namespace NatEdge.Proxy.Tests.Management;

public sealed class ControlAnswerTests
{
    [Fact]
    public void An_answer_is_a_status_line_its_body_and_an_empty_line()
    {
        ControlAnswer.Done("alice:", "  <sip:alice@10.0.0.1>").Render().ShouldBe("200 OK\nalice:\n  <sip:alice@10.0.0.1>\n\n");
        ControlAnswer.Error(ControlAnswer.NotFound, "no registrations for bob@example.org").Render().ShouldBe("404 no registrations for bob@example.org\n\n");
    }

    [Fact]
    public async Task What_is_rendered_reads_back_the_same_even_with_empty_and_multi_line_body_lines()
    {
        var answer = ControlAnswer.Error(ControlAnswer.Refused, "reload refused", "first", "", "second");

        var read = await ControlAnswer.ReadAsync(new StringReader(answer.Render() + "200 OK\n\n"), CancellationToken.None);

        read.ShouldNotBeNull();
        read.Code.ShouldBe(409);
        read.Reason.ShouldBe("reload refused");
        read.Lines.ShouldBe(["first", "", "second"]);
        ControlAnswer.Done("two\nlines").Render().ShouldBe("200 OK\ntwo lines\n\n", "a line break inside a line would end the answer early");
    }

    [Theory]
    [InlineData("")]
    [InlineData("200 OK\nline\n")]
    [InlineData("garbage\n\n")]
    public async Task A_cut_or_malformed_answer_reads_as_none(string text) =>
        (await ControlAnswer.ReadAsync(new StringReader(text), CancellationToken.None)).ShouldBeNull();
}
