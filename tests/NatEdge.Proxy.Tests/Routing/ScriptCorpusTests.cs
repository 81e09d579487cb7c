using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// The script corpus (tests/TestData/cfg): every bad script produces exactly the
/// diagnostics in its .expected file, and every good script loads without a single
/// diagnostic. Each bad script's first line says what is wrong with it.
/// </summary>
public sealed class ScriptCorpusTests
{
    public static TheoryData<string> BadScripts() => Names("bad");

    public static TheoryData<string> GoodScripts() => Names("good");

    [Theory]
    [MemberData(nameof(BadScripts))]
    public void Bad_script_reports_exactly_its_expected_diagnostics(string name)
    {
        var directory = Path.Combine(RepositoryPaths.ScriptCorpus, "bad");
        var expected = File.ReadAllText(Path.Combine(directory, Path.ChangeExtension(name, ".expected")));

        var result = ScriptLoader.LoadText(File.ReadAllText(Path.Combine(directory, name)), name);

        result.Diagnostics.Render().ShouldBe(expected);
        result.Script.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(BadScripts))]
    public void Crlf_line_ends_give_the_same_diagnostics(string name)
    {
        var directory = Path.Combine(RepositoryPaths.ScriptCorpus, "bad");
        var text = File.ReadAllText(Path.Combine(directory, name));
        var expected = File.ReadAllText(Path.Combine(directory, Path.ChangeExtension(name, ".expected")));

        var result = ScriptLoader.LoadText(text.ReplaceLineEndings("\r\n"), name);

        result.Diagnostics.Render().ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(GoodScripts))]
    public void Good_script_loads_without_diagnostics(string name)
    {
        var result = ScriptLoader.LoadText(File.ReadAllText(Path.Combine(RepositoryPaths.ScriptCorpus, "good", name)), name);

        result.Diagnostics.Render().ShouldBeEmpty();
        result.Script.ShouldNotBeNull();
    }

    [Fact]
    public void Corpus_has_at_least_forty_bad_scripts_each_with_expectations()
    {
        var directory = Path.Combine(RepositoryPaths.ScriptCorpus, "bad");
        var scripts = Directory.GetFiles(directory, "*.cfg");

        scripts.Length.ShouldBeGreaterThanOrEqualTo(40);
        scripts.ShouldAllBe(s => File.Exists(Path.ChangeExtension(s, ".expected")));
        scripts.ShouldAllBe(s => File.ReadLines(s).First().StartsWith('#'));
    }

    private static TheoryData<string> Names(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.ScriptCorpus, folder), "*.cfg").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }
}
