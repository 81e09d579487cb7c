using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>String escapes and tokens as route-script.md section 1 describes SER 0.9's lexer.</summary>
public sealed class LexerTests
{
    [Theory]
    [InlineData(@"""a\nb""", "a\nb")]
    [InlineData(@"""a\rb\tc""", "a\rb\tc")]
    [InlineData(@"""bell\a""", "bell\a")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"""back\\slash""", "back\\slash")]
    [InlineData(@"""\x41\x4a""", "AJ")]
    [InlineData(@"""\x7""", "\x07")]
    [InlineData(@"""\101\60""", "A0")]
    [InlineData(@"""^Contact:[ ]*\*""", @"^Contact:[ ]*\*")]
    [InlineData(@"""\q\.\;""", @"\q\.\;")]
    [InlineData(@"""\7 alone""", @"\7 alone")]
    [InlineData("\"line\\\ncontinued\"", "linecontinued")]
    [InlineData("'single'", "single")]
    public void String_escapes_decode_as_ser_does(string source, string expected)
    {
        var diagnostics = new ScriptDiagnostics();
        var token = new Lexer(source, "t.cfg", diagnostics).Next();

        token.Kind.ShouldBe(TokenKind.String);
        token.Text.ShouldBe(expected);
        diagnostics.Items.ShouldBeEmpty();
    }

    [Fact]
    public void Operators_comments_and_msg_len_tokenize_with_positions()
    {
        var diagnostics = new ScriptDiagnostics();
        var lexer = new Lexer("# note\n/* block\n */ msg:len >= 10.0.0.1/8 && !x =~ ||", "t.cfg", diagnostics);
        var tokens = new List<Token>();
        for (var token = lexer.Next(); token.Kind != TokenKind.EndOfFile; token = lexer.Next())
        {
            tokens.Add(token);
        }

        tokens.Select(t => t.Kind).ShouldBe(
        [
            TokenKind.Identifier, TokenKind.GreaterOrEqual, TokenKind.Address, TokenKind.Slash, TokenKind.Number,
            TokenKind.AndAnd, TokenKind.Not, TokenKind.Identifier, TokenKind.Match, TokenKind.OrOr,
        ]);
        tokens[0].Text.ShouldBe("msg:len");
        tokens[0].Span.ShouldBe(new SourceSpan("t.cfg", 3, 5));
        tokens[2].Text.ShouldBe("10.0.0.1");
        diagnostics.Items.ShouldBeEmpty();
    }
}
