using NatEdge.Proxy.Ctl;
using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Tests.Ctl;

public class ConfigDbUrlReaderTests
{
    private static string? Read(string script) => ConfigDbUrlReader.Read(ScriptLoader.BindText(script, "test.cfg", out _));

    [Fact]
    public void Reads_the_db_url_of_the_guides_stage_two_script()
    {
        const string Script = """
            # ----------- global configuration parameters ------------------------
            debug=3
            loadmodule "/usr/local/lib/ser/modules/mysql.so"
            loadmodule "/usr/local/lib/ser/modules/usrloc.so"
            loadmodule "/usr/local/lib/ser/modules/auth_db.so"
            # -- usrloc params --
            modparam("usrloc", "db_mode", 2)
            modparam("auth_db|usrloc", "db_url", "mysql://ser:heslo@localhost/ser")
            modparam("auth_db", "calculate_ha1", 1)
            route { break; }
            """;
        Read(Script).ShouldBe("mysql://ser:heslo@localhost/ser");
    }

    [Fact]
    public void Commented_lines_do_not_count()
    {
        const string Script = """
            loadmodule "usrloc.so"
            #modparam("usrloc", "db_url", "mysql://old:old@localhost/old")
            modparam ( "usrloc" , "db_url" , "sqlite:/var/lib/natedge/natedge.db" ) # embedded store
            route { break; }
            """;
        Read(Script).ShouldBe("sqlite:/var/lib/natedge/natedge.db");
    }

    [Fact]
    public void A_hash_inside_quotes_is_not_a_comment()
    {
        Read("loadmodule \"usrloc.so\"\nmodparam(\"usrloc\", \"db_url\", \"mysql://ser:p#ss@localhost/ser\")\nroute { break; }")
            .ShouldBe("mysql://ser:p#ss@localhost/ser");
    }

    [Fact]
    public void Fifo_db_url_is_used_when_no_module_sets_one()
    {
        Read("fifo_db_url=\"mysql://ser:heslo@localhost/ser\"\nroute { break; }").ShouldBe("mysql://ser:heslo@localhost/ser");
    }

    [Fact]
    public void The_usrloc_modparam_wins_over_fifo_db_url()
    {
        const string Script = """
            fifo_db_url="mysql://fifo:fifo@localhost/fifo"
            loadmodule "usrloc.so"
            modparam("usrloc", "db_url", "sqlite:/tmp/ul.db")
            route { break; }
            """;
        Read(Script).ShouldBe("sqlite:/tmp/ul.db");
    }

    [Theory]
    [InlineData("route { break; }")]
    [InlineData("loadmodule \"usrloc.so\"\nmodparam(\"usrloc\", \"db_mode\", 0)\nroute { break; }")]
    [InlineData("loadmodule \"usrloc.so\"\n# modparam(\"usrloc\", \"db_url\", \"mysql://u:p@h/d\")\nroute { break; }")]
    public void Scripts_without_a_db_url_give_none(string script)
    {
        Read(script).ShouldBeNull();
    }

    [Fact]
    public void A_db_url_that_the_store_cannot_open_is_a_script_error()
    {
        ScriptLoader.BindText("loadmodule \"usrloc.so\"\nmodparam(\"usrloc\", \"db_url\", \"mysql://localhost/ser\")\nroute { break; }", "t.cfg", out var diagnostics);

        diagnostics.Render().ShouldContain("t.cfg:2:30: error: bad database URL 'mysql://localhost/ser': no user");
    }
}
