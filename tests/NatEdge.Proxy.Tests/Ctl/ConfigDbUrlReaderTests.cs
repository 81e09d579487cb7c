using NatEdge.Proxy.Ctl;

namespace NatEdge.Proxy.Tests.Ctl;

public class ConfigDbUrlReaderTests
{
    [Fact]
    public void Reads_the_db_url_of_the_guides_stage_two_script()
    {
        const string Script = """
            # ----------- global configuration parameters ------------------------
            debug=3
            loadmodule "/usr/local/lib/ser/modules/mysql.so"
            loadmodule "/usr/local/lib/ser/modules/usrloc.so"
            # -- usrloc params --
            modparam("usrloc", "db_mode", 2)
            modparam("auth_db|uri_db|usrloc", "db_url", "mysql://ser:heslo@localhost/ser")
            modparam("auth_db", "calculate_ha1", 1)
            """;
        ConfigDbUrlReader.Read(Script).ShouldBe("mysql://ser:heslo@localhost/ser");
    }

    [Fact]
    public void Commented_lines_do_not_count()
    {
        const string Script = """
            #modparam("usrloc", "db_url", "mysql://old:old@localhost/old")
            modparam ( "usrloc" , "db_url" , "sqlite:/var/lib/natedge/natedge.db" ) # embedded store
            """;
        ConfigDbUrlReader.Read(Script).ShouldBe("sqlite:/var/lib/natedge/natedge.db");
    }

    [Fact]
    public void A_hash_inside_quotes_is_not_a_comment()
    {
        ConfigDbUrlReader.Read("modparam(\"usrloc\", \"db_url\", \"mysql://ser:p#ss@localhost/ser\")")
            .ShouldBe("mysql://ser:p#ss@localhost/ser");
    }

    [Theory]
    [InlineData("")]
    [InlineData("modparam(\"usrloc\", \"db_mode\", 0)")]
    [InlineData("# modparam(\"usrloc\", \"db_url\", \"mysql://u:p@h/d\")")]
    public void Scripts_without_a_db_url_give_none(string script)
    {
        ConfigDbUrlReader.Read(script).ShouldBeNull();
    }
}
