using NatEdge.Proxy.Storage;

namespace NatEdge.Proxy.Tests.Storage;

public class DbUrlTests
{
    public static TheoryData<string, string, string, string, string, int, string> MySqlCases => new()
    {
        // text, user, password, host, database, port, printed form
        { "mysql://ser:heslo@localhost/ser", "ser", "heslo", "localhost", "ser", 3306, "mysql://ser@localhost:3306/ser" },
        { "mysql://ser:heslo@127.0.0.1:23306/natedge", "ser", "heslo", "127.0.0.1", "natedge", 23306, "mysql://ser@127.0.0.1:23306/natedge" },
        { "MYSQL://openser:openserrw@db.local:3307/openser", "openser", "openserrw", "db.local", "openser", 3307, "mysql://openser@db.local:3307/openser" },
        { "mysql://u@h/d", "u", "", "h", "d", 3306, "mysql://u@h:3306/d" },
        { "mysql://u:p@ss:w/rd@h/d", "u", "p@ss:w/rd", "h", "d", 3306, "mysql://u@h:3306/d" },
        { "mysql://u:p@[::1]:3310/d", "u", "p", "::1", "d", 3310, "mysql://u@[::1]:3310/d" },
    };

    [Theory]
    [MemberData(nameof(MySqlCases))]
    public void Parses_mysql_urls(string text, string user, string password, string host, string database, int port, string printed)
    {
        DbUrl.TryParse(text, out var url, out var error).ShouldBeTrue();
        error.ShouldBe(DbUrlError.None);
        url.Backend.ShouldBe(DbBackend.MySql);
        url.User.ShouldBe(user);
        url.Password.ShouldBe(password);
        url.Host.ShouldBe(host);
        url.Port.ShouldBe(port);
        url.Database.ShouldBe(database);
        url.ToString().ShouldBe(printed);
    }

    [Theory]
    [InlineData("sqlite:/var/lib/natedge/natedge.db", "/var/lib/natedge/natedge.db")]
    [InlineData("sqlite:natedge.db", "natedge.db")]
    [InlineData("sqlite:///tmp/x.db", "/tmp/x.db")]
    public void Parses_sqlite_urls(string text, string path)
    {
        DbUrl.TryParse(text, out var url, out _).ShouldBeTrue();
        url.Backend.ShouldBe(DbBackend.Sqlite);
        url.Path.ShouldBe(path);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("none")]
    public void Empty_or_none_means_no_database(string? text)
    {
        DbUrl.TryParse(text, out var url, out _).ShouldBeTrue();
        url.Backend.ShouldBe(DbBackend.None);
    }

    [Theory]
    [InlineData("postgres://u:p@h/d", DbUrlError.UnknownScheme)] // only mysql and sqlite are served
    [InlineData("mysql:/u:p@h/d", DbUrlError.UnknownScheme)] // one slash is not the mysql:// scheme
    [InlineData("mysql://h/d", DbUrlError.MissingUser)] // no credentials at all
    [InlineData("mysql://:p@h/d", DbUrlError.MissingUser)] // empty user before the colon
    [InlineData("mysql://u:p@/d", DbUrlError.MissingHost)] // nothing between '@' and '/'
    [InlineData("mysql://u:p@h:0/d", DbUrlError.BadPort)] // port 0 is not a port
    [InlineData("mysql://u:p@h:65536/d", DbUrlError.BadPort)] // above the 16-bit range
    [InlineData("mysql://u:p@h:33x/d", DbUrlError.BadPort)] // not a number
    [InlineData("mysql://u:p@h:/d", DbUrlError.BadPort)] // colon without a port
    [InlineData("mysql://u:p@h:-1/d", DbUrlError.BadPort)] // signs are not digits
    [InlineData("mysql://u:p@h", DbUrlError.MissingDatabase)] // no '/db'
    [InlineData("mysql://u:p@h/", DbUrlError.MissingDatabase)] // empty database name
    [InlineData("mysql://u:p@h/d/e", DbUrlError.BadDatabase)] // a path, not a database name
    [InlineData("mysql://u:p@[::1/d", DbUrlError.BadHost)] // unclosed IPv6 bracket
    [InlineData("mysql://u:p@[not-an-ip]/d", DbUrlError.BadHost)] // brackets hold only IPv6 literals
    [InlineData("mysql://u:p@h h/d", DbUrlError.BadHost)] // space inside the host
    [InlineData("sqlite:", DbUrlError.MissingPath)] // no file
    [InlineData("sqlite://", DbUrlError.MissingPath)] // still no file
    public void Rejects_invalid_urls(string text, DbUrlError expected)
    {
        DbUrl.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldBe(expected);
        DbUrl.Describe(error, text).ShouldStartWith("db_url '");
    }

    [Fact]
    public void Messages_never_show_the_password()
    {
        var message = Should.Throw<FormatException>(() => DbUrl.Parse("mysql://ser:heslo@h:99999/ser")).Message;
        message.ShouldNotContain("heslo");
        message.ShouldContain("mysql://ser:***@h:99999/ser");
        DbUrl.Parse("mysql://ser:heslo@h/ser").ToString().ShouldNotContain("heslo");
    }
}
