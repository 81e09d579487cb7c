using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Routing.Syntax;

/// <summary>
/// Turns ser.cfg text into tokens on demand (the parser pulls them), so that a
/// global parameter's value can be read as raw text (<see cref="ReadRawValue"/>):
/// <c>listen=udp:10.0.0.1:5060</c> is one value, not eight tokens.
/// Lexical rules follow route-script.md section 1: <c>#</c> and <c>/* */</c> comments,
/// decimal numbers, case-sensitive identifiers, and SER's string escapes.
/// </summary>
public sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private readonly ScriptDiagnostics _diagnostics;
    private int _position;
    private int _line = 1;
    private int _column = 1;

    public Lexer(string text, string file, ScriptDiagnostics diagnostics)
    {
        _text = text;
        _file = file;
        _diagnostics = diagnostics;
    }

    public Token Next()
    {
        SkipTrivia();
        if (_position >= _text.Length)
        {
            return new Token(TokenKind.EndOfFile, string.Empty, Here());
        }

        var start = Here();
        var c = _text[_position];
        if (IsIdentifierStart(c))
        {
            return new Token(TokenKind.Identifier, ReadIdentifier(), start);
        }

        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(PeekAt(1))))
        {
            return ReadNumberOrAddress(start);
        }

        if (c is '"' or '\'')
        {
            return new Token(TokenKind.String, ReadString(start), start);
        }

        return ReadPunctuation(start, c);
    }

    /// <summary>
    /// Reads the value of a global parameter: a quoted string, or the run of
    /// characters up to white space, <c>#</c> or <c>;</c>. Returns null (after
    /// reporting) when the line has no value.
    /// </summary>
    public RawValue? ReadRawValue()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t')
        {
            Advance();
        }

        var start = Here();
        if (_position < _text.Length && _text[_position] is '"' or '\'')
        {
            return new RawValue(ReadString(start), Quoted: true, start);
        }

        var begin = _position;
        while (_position < _text.Length && !char.IsWhiteSpace(_text[_position]) && _text[_position] is not '#' and not ';')
        {
            Advance();
        }

        if (_position == begin)
        {
            _diagnostics.Error(start, "missing value after '='", "write name=value, e.g. debug=3");
            return null;
        }

        return new RawValue(_text[begin.._position], Quoted: false, start);
    }

    /// <summary>The position just after the last token read.</summary>
    public SourceSpan Position => Here();

    private SourceSpan Here() => new(_file, _line, _column);

    private char PeekAt(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private void Advance()
    {
        if (_text[_position] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _position++;
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    Advance();
                }
            }
            else if (c == '/' && PeekAt(1) == '*')
            {
                SkipBlockComment();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipBlockComment()
    {
        var start = Here();
        Advance();
        Advance();
        while (_position < _text.Length)
        {
            if (_text[_position] == '*' && PeekAt(1) == '/')
            {
                Advance();
                Advance();
                return;
            }

            Advance();
        }

        _diagnostics.Error(start, "unterminated comment", "close the /* comment with */");
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private string ReadIdentifier()
    {
        var begin = _position;
        while (_position < _text.Length && IsIdentifierPart(_text[_position]))
        {
            Advance();
        }

        // msg:len is one operand in SER's grammar; other ':' stay punctuation errors.
        if (_text.AsSpan(begin, _position - begin).SequenceEqual("msg") && _text.AsSpan(_position).StartsWith(":len", StringComparison.Ordinal)
            && !IsIdentifierPart(PeekAt(4)))
        {
            for (var i = 0; i < 4; i++)
            {
                Advance();
            }
        }

        return _text[begin.._position];
    }

    private Token ReadNumberOrAddress(SourceSpan start)
    {
        var begin = _position;
        Advance();
        var dotted = false;
        while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || (_text[_position] == '.' && char.IsAsciiDigit(PeekAt(1)))))
        {
            dotted |= _text[_position] == '.';
            Advance();
        }

        var text = _text[begin.._position];
        if (dotted)
        {
            return new Token(TokenKind.Address, text, start);
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            _diagnostics.Error(start, $"number {text} is too large");
            return new Token(TokenKind.Invalid, text, start);
        }

        return new Token(TokenKind.Number, text, start);
    }

    private string ReadString(SourceSpan start)
    {
        var quote = _text[_position];
        Advance();
        var builder = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == quote)
            {
                Advance();
                return builder.ToString();
            }

            if (c == '\\')
            {
                ReadEscape(builder);
                continue;
            }

            builder.Append(c);
            Advance();
        }

        _diagnostics.Error(start, "unterminated string", $"close the string with {quote}");
        return builder.ToString();
    }

    /// <summary>
    /// SER 0.9 string escapes (route-script.md section 1): \n \r \a \t \" \\, \xH[H],
    /// \NN[N] octal, backslash-newline swallowed; any other backslash is kept as
    /// written, which is why search("^Contact:[ ]*\*") reaches the regex intact.
    /// </summary>
    private void ReadEscape(StringBuilder builder)
    {
        var next = PeekAt(1);
        switch (next)
        {
            case 'n': builder.Append('\n'); Skip(2); return;
            case 'r': builder.Append('\r'); Skip(2); return;
            case 'a': builder.Append('\a'); Skip(2); return;
            case 't': builder.Append('\t'); Skip(2); return;
            case '"': builder.Append('"'); Skip(2); return;
            case '\\': builder.Append('\\'); Skip(2); return;
            case '\n': Skip(2); return;
            case '\r' when PeekAt(2) == '\n': Skip(3); return;
            case 'x' when char.IsAsciiHexDigit(PeekAt(2)):
                {
                    var digits = char.IsAsciiHexDigit(PeekAt(3)) ? 2 : 1;
                    builder.Append((char)int.Parse(_text.AsSpan(_position + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    Skip(2 + digits);
                    return;
                }

            case >= '0' and <= '7' when PeekAt(2) is >= '0' and <= '7':
                {
                    var digits = PeekAt(3) is >= '0' and <= '7' ? 3 : 2;
                    var value = 0;
                    for (var i = 0; i < digits; i++)
                    {
                        value = (value * 8) + (PeekAt(1 + i) - '0');
                    }

                    builder.Append((char)(value & 0xFF));
                    Skip(1 + digits);
                    return;
                }

            default:
                builder.Append('\\');
                Skip(1);
                return;
        }
    }

    private void Skip(int count)
    {
        for (var i = 0; i < count && _position < _text.Length; i++)
        {
            Advance();
        }
    }

    private Token ReadPunctuation(SourceSpan start, char c)
    {
        var next = PeekAt(1);
        (TokenKind kind, int length) = c switch
        {
            '{' => (TokenKind.LeftBrace, 1),
            '}' => (TokenKind.RightBrace, 1),
            '(' => (TokenKind.LeftParen, 1),
            ')' => (TokenKind.RightParen, 1),
            '[' => (TokenKind.LeftBracket, 1),
            ']' => (TokenKind.RightBracket, 1),
            ';' => (TokenKind.Semicolon, 1),
            ',' => (TokenKind.Comma, 1),
            '/' => (TokenKind.Slash, 1),
            '=' when next == '=' => (TokenKind.Equal, 2),
            '=' when next == '~' => (TokenKind.Match, 2),
            '=' => (TokenKind.Assign, 1),
            '!' when next == '=' => (TokenKind.NotEqual, 2),
            '!' => (TokenKind.Not, 1),
            '>' when next == '=' => (TokenKind.GreaterOrEqual, 2),
            '>' => (TokenKind.Greater, 1),
            '<' when next == '=' => (TokenKind.LessOrEqual, 2),
            '<' => (TokenKind.Less, 1),
            '&' when next == '&' => (TokenKind.AndAnd, 2),
            '&' => (TokenKind.And, 1),
            '|' when next == '|' => (TokenKind.OrOr, 2),
            '|' => (TokenKind.Or, 1),
            _ => (TokenKind.Invalid, 1),
        };

        var text = _text.Substring(_position, length);
        Skip(length);
        if (kind == TokenKind.Invalid)
        {
            _diagnostics.Error(start, $"unexpected character '{text}'");
        }

        return new Token(kind, text, start);
    }
}

/// <summary>The text of a global parameter's value, and whether it was quoted.</summary>
public sealed record RawValue(string Text, bool Quoted, SourceSpan Span);
