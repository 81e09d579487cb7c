using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Tests.Routing;

public sealed class ParserTests
{
    [Fact]
    public void Guide_shapes_parse_into_the_expected_tree()
    {
        const string script = """
            listen=udp:127.0.0.1:5060
            loadmodule "/usr/local/lib/ser/modules/sl.so"
            modparam("auth_db|uri_db|usrloc", "db_url", "mysql://ser:heslo@localhost/ser")
            route {
                if (method=="ACK") {
                    route(1);
                    break;
                } else if (method=="REGISTER") {
                    route(2);
                    break;
                };
                if (!(msg:len > max_len) && uri!=myself) drop;
            }
            onreply_route[1] { }
            failure_route[2] { exit; }
            """;
        var diagnostics = new ScriptDiagnostics();

        var file = Parser.Parse(script, "p.cfg", diagnostics);

        diagnostics.Items.ShouldBeEmpty();
        file.Globals.ShouldHaveSingleItem().Value.Text.ShouldBe("udp:127.0.0.1:5060");
        file.Modules.ShouldHaveSingleItem().Path.ShouldBe("/usr/local/lib/ser/modules/sl.so");
        file.ModuleParameters.ShouldHaveSingleItem().Modules.ShouldBe("auth_db|uri_db|usrloc");
        file.Routes.Select(r => (r.Kind, r.Number)).ShouldBe([(RouteKind.Request, 0), (RouteKind.OnReply, 1), (RouteKind.Failure, 2)]);

        var main = file.Routes[0].Body.Statements;
        main.Count.ShouldBe(2);
        var chain = main[0].ShouldBeOfType<IfStatement>();
        chain.Else.ShouldBeOfType<IfStatement>().Span.Line.ShouldBe(8);
        var guarded = main[1].ShouldBeOfType<IfStatement>();
        var and = guarded.Condition.ShouldBeOfType<LogicalExpression>();
        and.IsAnd.ShouldBeTrue();
        and.Left.ShouldBeOfType<NotExpression>().Operand.ShouldBeOfType<Comparison>().Value.Kind.ShouldBe(ValueKind.MaxLength);
        and.Right.ShouldBeOfType<Comparison>().Value.Kind.ShouldBe(ValueKind.Myself);
        guarded.Then.ShouldBeOfType<BreakStatement>().IsDrop.ShouldBeTrue();
        guarded.Span.ShouldBe(new SourceSpan("p.cfg", 12, 5));
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        var diagnostics = new ScriptDiagnostics();
        var file = Parser.Parse("route { if (method==\"A\" || method==\"B\" && method==\"C\") break; }", "p.cfg", diagnostics);

        var condition = file.Routes[0].Body.Statements[0].ShouldBeOfType<IfStatement>().Condition.ShouldBeOfType<LogicalExpression>();
        condition.IsAnd.ShouldBeFalse();
        condition.Right.ShouldBeOfType<LogicalExpression>().IsAnd.ShouldBeTrue();
    }
}
