using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// Whatever the text, loading a script ends with diagnostics, never with an exception:
/// every prefix of the guide's largest configuration and seeded random corruptions of it.
/// </summary>
public sealed class ScriptRobustnessTests
{
    private static string Nat() => File.ReadAllText(Path.Combine(RepositoryPaths.Fixtures, "03-nat-mediaproxy.cfg"));

    [Fact]
    public void Every_prefix_loads_without_throwing()
    {
        var text = Nat();
        for (var length = 0; length < text.Length; length += 5)
        {
            var result = ScriptLoader.LoadText(text[..length], "prefix.cfg");

            result.Script.ShouldBeNull($"a prefix of {length} characters cannot start: no main route or pending functions");
        }
    }

    [Fact]
    public void Random_corruptions_load_without_throwing()
    {
        var text = Nat();
        var random = new Random(20260601);
        const string replacements = "{}()[];,=!&|\"'#/*\\~<>:. \nx9-";
        for (var round = 0; round < 250; round++)
        {
            var chars = text.ToCharArray();
            var edits = random.Next(1, 6);
            for (var i = 0; i < edits; i++)
            {
                chars[random.Next(chars.Length)] = replacements[random.Next(replacements.Length)];
            }

            var result = ScriptLoader.LoadText(new string(chars), "corrupt.cfg");

            result.Diagnostics.Items.ShouldAllBe(d => d.Span.Line >= 1 && d.Span.Column >= 1);
        }
    }

    [Theory]
    [InlineData("route[99999999999999999999] { break; }")]
    [InlineData("route { route(99999999999); }")]
    [InlineData("route { setflag(-1); }")]
    [InlineData("route { if (msg:len > 99999999999999999999) break; }")]
    [InlineData("route { if (src_ip == 10.0.0.0/99999999999) break; }")]
    [InlineData("route { if ((((((method == \"A\"")]
    [InlineData("modparam(\"sl|||\", \"x\", 1) route { break; }")]
    [InlineData("listen=[::1 route { break; }")]
    [InlineData("listen=udp: route { break; }")]
    [InlineData("route { return(99999999999); }")]
    [InlineData("\0\u00ff\u2028 route { break; }")]
    public void Hostile_lines_become_diagnostics(string text)
    {
        var result = ScriptLoader.LoadText(text, "hostile.cfg");

        result.Diagnostics.HasErrors.ShouldBeTrue();
    }
}
