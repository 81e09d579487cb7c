using System.Text.RegularExpressions;
using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// The guide's configurations (../shared/fixtures/ser-cfg) load unchanged except for
/// what their own text tells a reader to edit ("INSERT YOUR IP ADDRESS HERE"), and the
/// only complaints are the functions whose modules have not landed yet, by name and
/// line. Each list shrinks as modules land; when all have, the fixture starts.
/// </summary>
public sealed partial class FixtureCheckTests
{
    /// <summary>The address the fixtures carry where the reader is told to put their own.</summary>
    private const string GuideAddress = "192.0.2.13";

    private const string LocalAddress = "127.0.0.1";

    [Fact]
    public void Hello_world_reports_only_functions_not_implemented_yet() =>
        AssertOnlyPending("01-hello-world.cfg",
        [
            (73, "lookup", "registrar"),
            (79, "lookup", "registrar"),
            (102, "save", "registrar"),
        ]);

    [Fact]
    public void Auth_mysql_reports_only_functions_not_implemented_yet() =>
        AssertOnlyPending("02-auth-mysql.cfg",
        [
            (85, "lookup", "registrar"),
            (91, "lookup", "registrar"),
            (116, "www_authorize", "auth_db"),
            (117, "www_challenge", "auth"),
            (121, "check_to", "uri_db"),
            (126, "consume_credentials", "auth"),
            (128, "save", "registrar"),
            (138, "proxy_authorize", "auth_db"),
            (139, "proxy_challenge", "auth"),
            (141, "check_from", "uri_db"),
            (146, "consume_credentials", "auth"),
            (148, "lookup", "registrar"),
            (154, "lookup", "registrar"),
        ]);

    [Fact]
    public void Nat_mediaproxy_reports_only_functions_not_implemented_yet() =>
        AssertOnlyPending("03-nat-mediaproxy.cfg",
        [
            (69, "client_nat_test", "mediaproxy"),
            (88, "has_totag", "uri"),
            (95, "proxy_authorize", "auth_db"),
            (96, "proxy_challenge", "auth"),
            (98, "check_from", "uri_db"),
            (103, "consume_credentials", "auth"),
            (105, "client_nat_test", "mediaproxy"),
            (138, "lookup", "registrar"),
            (145, "lookup", "registrar"),
            (174, "client_nat_test", "mediaproxy"),
            (177, "force_rport", "core"),
            (182, "www_authorize", "auth_db"),
            (183, "www_challenge", "auth"),
            (187, "check_to", "uri_db"),
            (192, "consume_credentials", "auth"),
            (194, "save", "registrar"),
            (204, "client_nat_test", "mediaproxy"),
            (206, "force_rport", "core"),
            (207, "fix_nated_contact", "nathelper"),
            (210, "proxy_authorize", "auth_db"),
            (211, "proxy_challenge", "auth"),
            (213, "check_from", "uri_db"),
            (218, "consume_credentials", "auth"),
            (220, "lookup", "registrar"),
            (227, "lookup", "registrar"),
            (248, "client_nat_test", "mediaproxy"),
            (254, "client_nat_test", "mediaproxy"),
            (255, "fix_nated_contact", "nathelper"),
        ]);

    [Fact]
    public void Fixtures_need_no_edit_beyond_the_ones_they_ask_for()
    {
        foreach (var path in Directory.GetFiles(RepositoryPaths.Fixtures, "*.cfg"))
        {
            var original = File.ReadAllLines(path);
            var edited = EditAsTheGuideSays(string.Join('\n', original)).Split('\n');
            for (var i = 0; i < original.Length; i++)
            {
                if (original[i] != edited[i])
                {
                    var askedHere = original[i].Contains("INSERT YOUR IP ADDRESS HERE", StringComparison.Ordinal)
                        || (i > 0 && original[i - 1].Contains("INSERT YOUR IP ADDRESS HERE", StringComparison.Ordinal));
                    askedHere.ShouldBeTrue($"{Path.GetFileName(path)} line {i + 1} was edited without the file asking for it");
                }
            }
        }
    }

    private static void AssertOnlyPending(string fixture, (int Line, string Function, string Module)[] expected)
    {
        var text = EditAsTheGuideSays(File.ReadAllText(Path.Combine(RepositoryPaths.Fixtures, fixture)));

        var result = ScriptLoader.LoadText(text, fixture);

        var reported = result.Diagnostics.Items.Select(d =>
        {
            var match = PendingFunction().Match(d.Message);
            match.Success.ShouldBeTrue($"unexpected diagnostic: {d}");
            d.Severity.ShouldBe(DiagnosticSeverity.Error);
            return (d.Span.Line, match.Groups["function"].Value, match.Groups["module"].Value);
        }).OrderBy(x => x.Line).ToArray();
        reported.ShouldBe(expected);
        (result.Script is null).ShouldBe(expected.Length > 0);
    }

    /// <summary>The one edit the fixtures ask for: their own IP address in place of the guide's.</summary>
    private static string EditAsTheGuideSays(string text) => text.Replace(GuideAddress, LocalAddress, StringComparison.Ordinal);

    [GeneratedRegex("^function '(?<function>[a-z_]+)' \\(module (?<module>[a-z_]+)\\) is not implemented yet$")]
    private static partial Regex PendingFunction();
}
