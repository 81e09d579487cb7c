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
    public void Hello_world_loads_with_every_function_implemented() =>
        AssertOnlyPending("01-hello-world.cfg", []);

    [Fact]
    public void Auth_mysql_loads_with_every_function_implemented() =>
        AssertOnlyPending("02-auth-mysql.cfg", []);

    [Fact]
    public void Nat_mediaproxy_loads_with_every_function_implemented() =>
        AssertOnlyPending("03-nat-mediaproxy.cfg", []);

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
