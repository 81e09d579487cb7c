using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Tests.Routing;

namespace NatEdge.Proxy.Tests.Hosting;

public sealed class ScriptSourceTests
{
    [Fact]
    public void The_built_in_default_is_config_natedge_cfg_byte_for_byte()
    {
        var builtIn = ScriptSource.BuiltIn();

        builtIn.Name.ShouldBe(ScriptSource.BuiltInName);
        builtIn.Text.ShouldBe(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "config", "natedge.cfg")));
    }

    [Fact]
    public void A_given_config_is_read_from_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"natedge-source-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(path, "route { break; }\n");
        try
        {
            var source = ScriptSource.Resolve(path, out var error);

            error.ShouldBeNull();
            source!.Name.ShouldBe(path);
            source.Text.ShouldBe("route { break; }\n");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_config_is_an_error_naming_it()
    {
        ScriptSource.Resolve("/nonexistent/natedge.cfg", out var error).ShouldBeNull();

        error.ShouldBe("--config /nonexistent/natedge.cfg: no such file");
    }
}
