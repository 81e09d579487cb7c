namespace NatEdge.Proxy.Routing.Syntax;

public enum TokenKind
{
    EndOfFile,
    Identifier,
    Number,
    String,
    /// <summary>Dotted IPv4 text such as 10.0.0.1, used after src_ip/dst_ip.</summary>
    Address,
    LeftBrace,
    RightBrace,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Semicolon,
    Comma,
    Assign,
    Equal,
    NotEqual,
    Match,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Not,
    AndAnd,
    OrOr,
    /// <summary>A single '&amp;': SER accepts it as 'and'.</summary>
    And,
    /// <summary>A single '|': SER accepts it as 'or'.</summary>
    Or,
    Slash,
    Invalid,
}

/// <summary>
/// One lexical token. <see cref="Text"/> is the identifier, the decoded string
/// contents, or the digits of a number.
/// </summary>
public readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span)
{
    public bool IsIdentifier(string word) => Kind == TokenKind.Identifier && Text == word;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.Identifier => $"'{Text}'",
        TokenKind.Number => $"number {Text}",
        TokenKind.String => $"string \"{Text}\"",
        TokenKind.Address => $"address {Text}",
        _ => $"'{Text}'",
    };
}
