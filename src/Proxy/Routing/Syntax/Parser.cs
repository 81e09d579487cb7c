using System.Globalization;

namespace NatEdge.Proxy.Routing.Syntax;

/// <summary>
/// Recursive-descent parser for the SER 0.9 dialect (route-script.md sections 1, 2, 4).
/// It never stops at the first error: each error is reported and the parser
/// skips to the next statement boundary (';' or the end of a block), so one run
/// shows every problem of a script.
/// </summary>
public sealed class Parser
{
    private static readonly Dictionary<string, Operand> Operands = new(StringComparer.Ordinal)
    {
        ["method"] = Operand.Method,
        ["uri"] = Operand.Uri,
        ["status"] = Operand.Status,
        ["from_uri"] = Operand.FromUri,
        ["to_uri"] = Operand.ToUri,
        ["src_ip"] = Operand.SourceIp,
        ["src_port"] = Operand.SourcePort,
        ["dst_ip"] = Operand.DestinationIp,
        ["dst_port"] = Operand.DestinationPort,
        ["proto"] = Operand.Protocol,
        ["af"] = Operand.AddressFamily,
        ["msg:len"] = Operand.MessageLength,
    };

    private readonly Lexer _lexer;
    private readonly ScriptDiagnostics _diagnostics;
    private readonly string _file;
    private Token _current;
    private SourceSpan _previousEnd;
    private SourceSpan _currentEnd;

    private Parser(string text, string file, ScriptDiagnostics diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
        _lexer = new Lexer(text, file, diagnostics);
        Advance();
        _previousEnd = _current.Span;
    }

    public static ScriptFile Parse(string text, string file, ScriptDiagnostics diagnostics) =>
        new Parser(text, file, diagnostics).ParseFile();

    /// <summary>Moves to the next token; characters the lexer rejected (and reported) are skipped.</summary>
    private void Advance()
    {
        _previousEnd = _currentEnd;
        do
        {
            _current = _lexer.Next();
        }
        while (_current.Kind == TokenKind.Invalid);

        _currentEnd = _lexer.Position;
    }

    private bool Accept(TokenKind kind)
    {
        if (_current.Kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    private bool Expect(TokenKind kind, string what)
    {
        if (Accept(kind))
        {
            return true;
        }

        _diagnostics.Error(_current.Span, $"expected {what} but found {_current.Describe()}");
        return false;
    }

    private ScriptFile ParseFile()
    {
        var globals = new List<GlobalParameter>();
        var modules = new List<LoadModule>();
        var parameters = new List<ModuleParameterSetting>();
        var routes = new List<RouteBlock>();
        while (_current.Kind != TokenKind.EndOfFile)
        {
            if (Accept(TokenKind.Semicolon))
            {
                continue;
            }

            if (_current.Kind != TokenKind.Identifier)
            {
                _diagnostics.Error(_current.Span, $"expected a global parameter, loadmodule, modparam or route block but found {_current.Describe()}");
                SkipToTopLevelItem();
                continue;
            }

            switch (_current.Text)
            {
                case "loadmodule":
                    ParseLoadModule(modules);
                    break;
                case "modparam":
                    ParseModuleParameter(parameters);
                    break;
                case "route":
                    ParseRouteBlock(RouteKind.Request, routes);
                    break;
                case "onreply_route":
                    ParseRouteBlock(RouteKind.OnReply, routes);
                    break;
                case "failure_route":
                    ParseRouteBlock(RouteKind.Failure, routes);
                    break;
                default:
                    ParseGlobal(globals);
                    break;
            }
        }

        return new ScriptFile(_file, globals, modules, parameters, routes);
    }

    /// <summary>Skips to the next token that can start a top-level item, stepping over whole blocks.</summary>
    private void SkipToTopLevelItem()
    {
        var depth = 0;
        var startLine = _current.Span.Line;
        while (_current.Kind != TokenKind.EndOfFile)
        {
            if (depth == 0 && _current.Kind == TokenKind.Identifier && _current.Span.Line != startLine)
            {
                return;
            }

            if (_current.Kind == TokenKind.LeftBrace)
            {
                depth++;
            }
            else if (_current.Kind == TokenKind.RightBrace && depth > 0)
            {
                depth--;
                if (depth == 0)
                {
                    Advance();
                    return;
                }
            }

            Advance();
        }
    }

    private void ParseGlobal(List<GlobalParameter> globals)
    {
        var name = _current;
        Advance();
        if (_current.Kind is TokenKind.LeftBracket or TokenKind.LeftBrace)
        {
            _diagnostics.Error(name.Span, $"unknown block '{name.Text}'", "the route blocks of this dialect are route, onreply_route and failure_route");
            SkipToTopLevelItem();
            return;
        }

        if (_current.Kind != TokenKind.Assign)
        {
            _diagnostics.Error(_current.Span, $"expected '=' after '{name.Text}' but found {_current.Describe()}", "global parameters are written name=value");
            SkipToTopLevelItem();
            return;
        }

        var value = _lexer.ReadRawValue();
        Advance();
        if (value is not null)
        {
            globals.Add(new GlobalParameter(name.Text, value, name.Span));
        }
    }

    private void ParseLoadModule(List<LoadModule> modules)
    {
        var keyword = _current;
        Advance();
        if (_current.Kind != TokenKind.String)
        {
            _diagnostics.Error(_current.Span, $"expected the module file name in quotes after loadmodule but found {_current.Describe()}", "loadmodule \"/usr/local/lib/ser/modules/sl.so\"");
            SkipToTopLevelItem();
            return;
        }

        modules.Add(new LoadModule(_current.Text, keyword.Span, _current.Span));
        Advance();
    }

    private void ParseModuleParameter(List<ModuleParameterSetting> parameters)
    {
        var keyword = _current;
        Advance();
        if (!Expect(TokenKind.LeftParen, "'(' after modparam"))
        {
            SkipToTopLevelItem();
            return;
        }

        var module = _current;
        if (!Expect(TokenKind.String, "the module name in quotes") || !Expect(TokenKind.Comma, "','"))
        {
            SkipToTopLevelItem();
            return;
        }

        var name = _current;
        if (!Expect(TokenKind.String, "the parameter name in quotes") || !Expect(TokenKind.Comma, "','"))
        {
            SkipToTopLevelItem();
            return;
        }

        var value = ParseLiteral("a string or number value");
        if (value is null || !Expect(TokenKind.RightParen, "')' to close modparam"))
        {
            SkipToTopLevelItem();
            return;
        }

        parameters.Add(new ModuleParameterSetting(module.Text, module.Span, name.Text, name.Span, value, keyword.Span));
    }

    private Literal? ParseLiteral(string what)
    {
        var token = _current;
        if (token.Kind == TokenKind.String)
        {
            Advance();
            return Literal.FromString(token.Text, token.Span);
        }

        if (token.Kind == TokenKind.Number)
        {
            Advance();
            return Literal.FromNumber(long.Parse(token.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), token.Text, token.Span);
        }

        _diagnostics.Error(token.Span, $"expected {what} but found {token.Describe()}");
        return null;
    }

    private void ParseRouteBlock(RouteKind kind, List<RouteBlock> routes)
    {
        var keyword = _current;
        Advance();
        var number = 0;
        var numberSpan = keyword.Span;
        if (Accept(TokenKind.LeftBracket))
        {
            numberSpan = _current.Span;
            if (_current.Kind == TokenKind.Number)
            {
                number = int.TryParse(_current.Text, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
                Advance();
            }
            else
            {
                _diagnostics.Error(_current.Span, $"expected a route number but found {_current.Describe()}", "route blocks are numbered: route[1] { ... }");
                number = -1;
                if (_current.Kind is TokenKind.String or TokenKind.Identifier)
                {
                    Advance();
                }
            }

            if (!Expect(TokenKind.RightBracket, "']'"))
            {
                SkipToTopLevelItem();
                return;
            }
        }
        else if (kind != RouteKind.Request)
        {
            _diagnostics.Error(_current.Span, $"{keyword.Text} needs a number", $"write {keyword.Text}[1] {{ ... }}");
            number = -1;
        }

        if (_current.Kind != TokenKind.LeftBrace)
        {
            _diagnostics.Error(_current.Span, $"expected '{{' to open the {keyword.Text} block but found {_current.Describe()}");
            SkipToTopLevelItem();
            return;
        }

        var body = ParseBlock();
        if (number >= 0)
        {
            routes.Add(new RouteBlock(kind, number, body, keyword.Span, numberSpan));
        }
    }

    private Block ParseBlock()
    {
        var open = _current;
        Advance();
        var statements = new List<Statement>();
        while (_current.Kind is not TokenKind.RightBrace and not TokenKind.EndOfFile)
        {
            var statement = ParseStatement();
            if (statement is not null)
            {
                statements.Add(statement);
            }
        }

        if (_current.Kind == TokenKind.EndOfFile)
        {
            _diagnostics.Error(_current.Span, $"missing '}}' to close the block opened at line {open.Span.Line}");
        }
        else
        {
            Advance();
        }

        return new Block(statements, open.Span);
    }

    private Statement? ParseStatement()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.LeftBrace:
                return ParseBlock();
            case TokenKind.Semicolon:
                Advance();
                return null;
            case TokenKind.Identifier:
                break;
            default:
                _diagnostics.Error(token.Span, $"expected a statement but found {token.Describe()}");
                SkipStatement();
                return null;
        }

        switch (token.Text)
        {
            case "if":
                return ParseIf();
            case "else":
                _diagnostics.Error(token.Span, "'else' without a matching 'if'", "a ';' between '}' and 'else' ends the if statement; remove it");
                Advance();
                return null;
            case "break":
            case "drop":
                Advance();
                ExpectSemicolon(token.Text);
                return new BreakStatement(token.Text == "drop", token.Span);
            case "exit":
                Advance();
                ExpectSemicolon(token.Text);
                return new ExitStatement(token.Span);
            case "return":
                return ParseReturn();
            case "route":
                return ParseRouteCall();
            default:
                return ParseCallStatement();
        }
    }

    private void ExpectSemicolon(string after)
    {
        if (!Accept(TokenKind.Semicolon))
        {
            _diagnostics.Error(_previousEnd, $"expected ';' after {after}");
        }
    }

    /// <summary>Skips to just past the next ';' or to the end of the enclosing block, stepping over nested blocks.</summary>
    private void SkipStatement()
    {
        var depth = 0;
        while (_current.Kind != TokenKind.EndOfFile)
        {
            switch (_current.Kind)
            {
                case TokenKind.Semicolon when depth == 0:
                    Advance();
                    return;
                case TokenKind.LeftBrace:
                    depth++;
                    break;
                case TokenKind.RightBrace when depth == 0:
                    return;
                case TokenKind.RightBrace:
                    depth--;
                    if (depth == 0)
                    {
                        Advance();
                        return;
                    }

                    break;
            }

            Advance();
        }
    }

    private IfStatement? ParseIf()
    {
        var keyword = _current;
        Advance();
        Expression? condition = null;
        if (Expect(TokenKind.LeftParen, "'(' after if"))
        {
            condition = ParseOr();
            if (condition is null)
            {
                SkipToConditionEnd();
            }
            else if (!Expect(TokenKind.RightParen, "')' to close the condition"))
            {
                condition = null;
                SkipToConditionEnd();
            }
        }
        else
        {
            SkipToConditionEnd();
        }

        if (_current.Kind is TokenKind.Semicolon or TokenKind.RightBrace or TokenKind.EndOfFile)
        {
            _diagnostics.Error(_current.Span, "expected a statement or block after the if condition");
            return null;
        }

        var then = ParseStatement();
        Statement? otherwise = null;
        if (_current.IsIdentifier("else"))
        {
            Advance();
            otherwise = ParseStatement();
        }

        return condition is null || then is null ? null : new IfStatement(condition, then, otherwise, keyword.Span);
    }

    /// <summary>After a broken condition, skips to the ')' that closes it (or to the body's '{').</summary>
    private void SkipToConditionEnd()
    {
        var depth = 0;
        while (_current.Kind is not TokenKind.EndOfFile and not TokenKind.LeftBrace and not TokenKind.Semicolon and not TokenKind.RightBrace)
        {
            if (_current.Kind == TokenKind.LeftParen)
            {
                depth++;
            }
            else if (_current.Kind == TokenKind.RightParen)
            {
                if (depth == 0)
                {
                    Advance();
                    return;
                }

                depth--;
            }

            Advance();
        }
    }

    private ReturnStatement ParseReturn()
    {
        var keyword = _current;
        Advance();
        var value = 1;
        var parenthesized = Accept(TokenKind.LeftParen);
        if (_current.Kind == TokenKind.Number)
        {
            if (!int.TryParse(_current.Text, CultureInfo.InvariantCulture, out value))
            {
                _diagnostics.Error(_current.Span, $"return value {_current.Text} is out of range");
            }

            Advance();
        }
        else if (parenthesized)
        {
            _diagnostics.Error(_current.Span, $"expected a number in return(...) but found {_current.Describe()}");
        }

        if (parenthesized)
        {
            Expect(TokenKind.RightParen, "')'");
        }

        ExpectSemicolon("return");
        return new ReturnStatement(value, keyword.Span);
    }

    private RouteCallStatement? ParseRouteCall()
    {
        var keyword = _current;
        Advance();
        if (!Expect(TokenKind.LeftParen, "'(' after route"))
        {
            SkipStatement();
            return null;
        }

        var numberToken = _current;
        if (numberToken.Kind != TokenKind.Number)
        {
            _diagnostics.Error(numberToken.Span, $"expected a route number in route(...) but found {numberToken.Describe()}", "write route(1) to run route[1]");
            SkipStatement();
            return null;
        }

        Advance();
        if (!Expect(TokenKind.RightParen, "')'"))
        {
            SkipStatement();
            return null;
        }

        ExpectSemicolon("route(...)");
        var number = int.TryParse(numberToken.Text, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        return new RouteCallStatement(number, keyword.Span, numberToken.Span);
    }

    private CallStatement? ParseCallStatement()
    {
        var name = _current;
        Advance();
        if (_current.Kind == TokenKind.Assign)
        {
            _diagnostics.Error(_current.Span, $"assignment to '{name.Text}' is not part of this dialect", "global parameters go before the first route block");
            SkipStatement();
            return null;
        }

        var call = ParseCallArguments(name);
        if (call is null)
        {
            SkipStatement();
            return null;
        }

        ExpectSemicolon($"{name.Text}(...)");
        return new CallStatement(call);
    }

    private Call? ParseCallArguments(Token name)
    {
        if (_current.Kind != TokenKind.LeftParen)
        {
            _diagnostics.Error(_current.Span, $"expected '(' after '{name.Text}' but found {_current.Describe()}", $"functions are called with parentheses: {name.Text}()");
            return null;
        }

        Advance();
        var arguments = new List<Literal>();
        if (Accept(TokenKind.RightParen))
        {
            return new Call(name.Text, arguments, name.Span);
        }

        while (true)
        {
            var argument = ParseLiteral("a string or number argument");
            if (argument is null)
            {
                return null;
            }

            arguments.Add(argument);
            if (Accept(TokenKind.RightParen))
            {
                return new Call(name.Text, arguments, name.Span);
            }

            if (!Expect(TokenKind.Comma, "',' or ')'"))
            {
                return null;
            }
        }
    }

    private Expression? ParseOr()
    {
        var left = ParseAnd();
        while (left is not null && (_current.Kind is TokenKind.OrOr or TokenKind.Or || _current.IsIdentifier("or")))
        {
            var op = _current;
            Advance();
            var right = ParseAnd();
            left = right is null ? null : new LogicalExpression(false, left, right, op.Span);
        }

        return left;
    }

    private Expression? ParseAnd()
    {
        var left = ParseUnary();
        while (left is not null && (_current.Kind is TokenKind.AndAnd or TokenKind.And || _current.IsIdentifier("and")))
        {
            var op = _current;
            Advance();
            var right = ParseUnary();
            left = right is null ? null : new LogicalExpression(true, left, right, op.Span);
        }

        return left;
    }

    private Expression? ParseUnary()
    {
        if (_current.Kind == TokenKind.Not || _current.IsIdentifier("not"))
        {
            var op = _current;
            Advance();
            var operand = ParseUnary();
            return operand is null ? null : new NotExpression(operand, op.Span);
        }

        return ParsePrimary();
    }

    private Expression? ParsePrimary()
    {
        var token = _current;
        if (token.Kind == TokenKind.LeftParen)
        {
            Advance();
            var inner = ParseOr();
            if (inner is null)
            {
                return null;
            }

            return Expect(TokenKind.RightParen, "')'") ? inner : null;
        }

        if (token.Kind != TokenKind.Identifier)
        {
            _diagnostics.Error(token.Span, $"expected a condition but found {token.Describe()}");
            return null;
        }

        if (Operands.TryGetValue(token.Text, out var operand))
        {
            Advance();
            return ParseComparison(operand, token);
        }

        Advance();
        if (_current.Kind != TokenKind.LeftParen)
        {
            var suggestion = Binding.NameSuggestion.Closest(token.Text, Operands.Keys);
            _diagnostics.Error(token.Span, $"unknown operand '{token.Text}'", suggestion is not null ? $"did you mean '{suggestion}'?"
                : "operands are method, uri, status, from_uri, to_uri, src_ip, src_port, dst_ip, dst_port, proto, af, msg:len; functions need parentheses");
            return null;
        }

        var call = ParseCallArguments(token);
        return call is null ? null : new CallExpression(call);
    }

    private Comparison? ParseComparison(Operand operand, Token operandToken)
    {
        var opToken = _current;
        ComparisonOperator? op = opToken.Kind switch
        {
            TokenKind.Equal => ComparisonOperator.Equal,
            TokenKind.NotEqual => ComparisonOperator.NotEqual,
            TokenKind.Match => ComparisonOperator.Match,
            TokenKind.Greater => ComparisonOperator.Greater,
            TokenKind.Less => ComparisonOperator.Less,
            TokenKind.GreaterOrEqual => ComparisonOperator.GreaterOrEqual,
            TokenKind.LessOrEqual => ComparisonOperator.LessOrEqual,
            _ => null,
        };
        if (op is null)
        {
            var hint = opToken.Kind == TokenKind.Assign ? "use == to compare; = is not an operator in conditions" : null;
            _diagnostics.Error(opToken.Span, $"expected a comparison operator after '{operandToken.Text}' but found {opToken.Describe()}", hint);
            return null;
        }

        Advance();
        var value = ParseComparisonValue();
        return value is null ? null : new Comparison(operand, op.Value, value, operandToken.Span, opToken.Span);
    }

    private ComparisonValue? ParseComparisonValue()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.String:
                Advance();
                return new ComparisonValue(ValueKind.String, token.Text, 0, null, token.Span);
            case TokenKind.Number:
                Advance();
                return new ComparisonValue(ValueKind.Number, token.Text, long.Parse(token.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), null, token.Span);
            case TokenKind.Address:
                {
                    Advance();
                    int? mask = null;
                    if (Accept(TokenKind.Slash))
                    {
                        if (_current.Kind != TokenKind.Number)
                        {
                            _diagnostics.Error(_current.Span, $"expected a mask length after '/' but found {_current.Describe()}");
                            return null;
                        }

                        mask = int.TryParse(_current.Text, CultureInfo.InvariantCulture, out var bits) ? bits : -1;
                        Advance();
                    }

                    return new ComparisonValue(ValueKind.Address, token.Text, 0, mask, token.Span);
                }

            case TokenKind.Identifier:
                Advance();
                var kind = token.Text switch
                {
                    "myself" => ValueKind.Myself,
                    "max_len" => ValueKind.MaxLength,
                    _ => ValueKind.Word,
                };
                return new ComparisonValue(kind, token.Text, 0, null, token.Span);
            default:
                _diagnostics.Error(token.Span, $"expected a value to compare with but found {token.Describe()}");
                return null;
        }
    }
}
