using System.Security.Cryptography;
using System.Text;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.IntegrationTests.Database;

/// <summary>
/// <c>natedge-proxy ctl</c> run as a process against one backend: exact output, exact errors,
/// exit codes of the command-line contract (0 done, 1 refused or database failure, 2 bad usage).
/// </summary>
public abstract class CtlEndToEndContract
{
    /// <summary>The db_url of a new, empty database.</summary>
    protected abstract Task<string> NewDbUrlAsync();

    /// <summary>(column, type) of a table in column order; the type as the engine reports it.</summary>
    protected abstract Task<IReadOnlyList<(string Column, string Type)>> ColumnsAsync(string dbUrl, string table);

    /// <summary>Whether <see cref="ColumnsAsync"/> reports MySQL column types comparable with Kamailio's.</summary>
    protected abstract bool ComparesMySqlTypes { get; }

    [Fact]
    public async Task Db_init_creates_the_kamailio_5_6_tables()
    {
        var url = await NewDbUrlAsync();
        var init = await ProxyCtl.RunAsync("--db-url", url, "db", "init");
        init.ShouldBe(new ProxyCtl.Result(
            0,
            "created table version (version 1)\ncreated table subscriber (version 7)\ncreated table location (version 9)\n" +
            "created table aliases (version 8)\ncreated table domain (version 2)\ncreated table uri (version 1)\nschema ready\n",
            ""));

        foreach (var (table, expected) in KamailioTables.Columns)
        {
            var actual = await ColumnsAsync(url, table);
            actual.Select(column => column.Column).ShouldBe(expected.Select(column => column.Column), $"columns of {table}");
            if (ComparesMySqlTypes)
            {
                actual.Select(column => column.Type).ShouldBe(expected.Select(column => column.MySqlType), $"column types of {table}");
            }
        }

        var database = global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url));
        var versions = await database.RunAsync<Dictionary<string, int>>(async (connection, token) =>
        {
            await using var command = connection.CreateSqlCommand("SELECT `table_name`, `table_version` FROM `version`", null);
            await using var reader = await command.ExecuteReaderAsync(token);
            var rows = new Dictionary<string, int>();
            while (await reader.ReadAsync(token))
            {
                rows[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }

            return rows;
        });
        versions.ShouldBe(KamailioTables.Versions, ignoreOrder: true);

        (await ProxyCtl.RunAsync("--db-url", url, "db", "init")).ShouldBe(new ProxyCtl.Result(0, "all tables already present\n", ""));
    }

    [Fact]
    public async Task Users_are_added_changed_listed_and_removed()
    {
        var url = await InitializedAsync();
        (await Ctl(url, "user", "add", "alice@example.org", "secret")).ShouldBe(new ProxyCtl.Result(0, "added user alice@example.org\n", ""));
        (await Ctl(url, "user", "add", "bob@example.org", "bobpw")).ExitCode.ShouldBe(0);
        (await Ctl(url, "user", "add", "alice@example.org", "other")).ShouldBe(new ProxyCtl.Result(1, "", "user alice@example.org already exists\n"));
        (await Ctl(url, "user", "list")).ShouldBe(new ProxyCtl.Result(0, "alice@example.org\nbob@example.org\n", ""));

        var subscribers = new SubscriberRepository(global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url)));
        (await subscribers.FindAsync("alice", "example.org")).ShouldBe(
            new SubscriberRecord("alice", "example.org", "secret", Md5Hex("alice:example.org:secret"), Md5Hex("alice@example.org:example.org:secret")));

        (await Ctl(url, "user", "passwd", "alice@example.org", "n3w")).ShouldBe(new ProxyCtl.Result(0, "password changed for alice@example.org\n", ""));
        (await subscribers.FindAsync("alice", "example.org"))!.Ha1.ShouldBe(Md5Hex("alice:example.org:n3w"));
        (await Ctl(url, "user", "passwd", "carol@example.org", "x")).ShouldBe(new ProxyCtl.Result(1, "", "no such user carol@example.org\n"));

        (await Ctl(url, "user", "rm", "alice@example.org")).ShouldBe(new ProxyCtl.Result(0, "removed user alice@example.org\n", ""));
        (await Ctl(url, "user", "rm", "alice@example.org")).ShouldBe(new ProxyCtl.Result(1, "", "no such user alice@example.org\n"));
        (await Ctl(url, "user", "list")).ShouldBe(new ProxyCtl.Result(0, "bob@example.org\n", ""));
    }

    [Fact]
    public async Task Aliases_are_added_listed_and_removed()
    {
        var url = await InitializedAsync();
        (await Ctl(url, "user", "add", "alice@example.org", "secret")).ExitCode.ShouldBe(0);
        (await Ctl(url, "alias", "add", "1234@example.org", "alice@example.org"))
            .ShouldBe(new ProxyCtl.Result(0, "added alias 1234@example.org -> sip:alice@example.org\n", ""));
        (await Ctl(url, "alias", "add", "1234@example.org", "bob@example.org"))
            .ShouldBe(new ProxyCtl.Result(1, "", "alias 1234@example.org already exists\n"));
        (await Ctl(url, "alias", "add", "alice@example.org", "bob@example.org"))
            .ShouldBe(new ProxyCtl.Result(1, "", "alice@example.org is a user; an alias may not hide it\n"));
        (await Ctl(url, "user", "add", "1234@example.org", "pw"))
            .ShouldBe(new ProxyCtl.Result(1, "", "1234@example.org is an alias; remove the alias first\n"));
        (await Ctl(url, "alias", "list")).ShouldBe(new ProxyCtl.Result(0, "1234@example.org -> sip:alice@example.org\n", ""));

        var row = (await new LocationRepository(global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url)), KamailioSchema.AliasesTable)
            .LoadAsync("1234@example.org")).ShouldHaveSingleItem();
        row.IsPermanent.ShouldBeTrue();

        (await Ctl(url, "alias", "rm", "1234@example.org")).ShouldBe(new ProxyCtl.Result(0, "removed alias 1234@example.org\n", ""));
        (await Ctl(url, "alias", "rm", "1234@example.org")).ShouldBe(new ProxyCtl.Result(1, "", "no such alias 1234@example.org\n"));
        (await Ctl(url, "alias", "list")).ShouldBe(new ProxyCtl.Result(0, "", ""));
    }

    [Fact]
    public async Task Domains_are_added_listed_and_removed()
    {
        var url = await InitializedAsync();
        (await Ctl(url, "domain", "add", "example.org")).ShouldBe(new ProxyCtl.Result(0, "added domain example.org\n", ""));
        (await Ctl(url, "domain", "add", "example.org")).ShouldBe(new ProxyCtl.Result(1, "", "domain example.org already exists\n"));
        (await Ctl(url, "domain", "add", "127.0.0.1")).ExitCode.ShouldBe(0);
        (await Ctl(url, "domain", "list")).ShouldBe(new ProxyCtl.Result(0, "127.0.0.1\nexample.org\n", ""));
        (await Ctl(url, "domain", "rm", "example.org")).ShouldBe(new ProxyCtl.Result(0, "removed domain example.org\n", ""));
        (await Ctl(url, "domain", "rm", "example.org")).ShouldBe(new ProxyCtl.Result(1, "", "no such domain example.org\n"));
    }

    [Fact]
    public async Task Registrations_are_shown_and_removed()
    {
        var url = await InitializedAsync();
        var location = new LocationRepository(global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url)));
        var expires = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await location.UpsertAsync(Registration("alice@example.org", "sip:alice@192.168.1.20:5062", expires, 0.5f, "c1", 7));
        await location.UpsertAsync(Registration("alice@example.org", "sip:alice@10.0.0.5:5060", expires, 1.0f, "c2", 2));
        await location.UpsertAsync(Registration("bob@example.org", "sip:bob@10.0.0.6:5060", expires, 1.0f, "c3", 1));

        const string Alice =
            "alice@example.org:\n" +
            "  <sip:alice@192.168.1.20:5062> q=0.50 expires=2030-01-02T03:04:05Z callid=c1 cseq=7 flags=64 received=sip:198.51.100.7:5066 socket=udp:127.0.0.1:5060 user_agent=\"Test Phone/1.0\"\n" +
            "  <sip:alice@10.0.0.5:5060> q=1.00 expires=2030-01-02T03:04:05Z callid=c2 cseq=2 flags=64 received=sip:198.51.100.7:5066 socket=udp:127.0.0.1:5060 user_agent=\"Test Phone/1.0\"\n";
        const string Bob =
            "bob@example.org:\n" +
            "  <sip:bob@10.0.0.6:5060> q=1.00 expires=2030-01-02T03:04:05Z callid=c3 cseq=1 flags=64 received=sip:198.51.100.7:5066 socket=udp:127.0.0.1:5060 user_agent=\"Test Phone/1.0\"\n";
        (await Ctl(url, "ul", "show", "alice@example.org")).ShouldBe(new ProxyCtl.Result(0, Alice, ""));
        (await Ctl(url, "ul", "show")).ShouldBe(new ProxyCtl.Result(0, Alice + Bob, ""));

        (await Ctl(url, "ul", "rm", "alice@example.org")).ShouldBe(new ProxyCtl.Result(0, "removed 2 registration(s) of alice@example.org\n", ""));
        (await Ctl(url, "ul", "show", "alice@example.org")).ShouldBe(new ProxyCtl.Result(1, "", "no registrations for alice@example.org\n"));
        (await Ctl(url, "ul", "rm", "alice@example.org")).ShouldBe(new ProxyCtl.Result(1, "", "no registrations for alice@example.org\n"));
        (await Ctl(url, "ul", "show")).ShouldBe(new ProxyCtl.Result(0, Bob, ""));

        (await Ctl(url, "ul", "add", "carol@example.org", "sip:carol@10.0.0.7:5060"))
            .ShouldBe(new ProxyCtl.Result(0, "added permanent contact <sip:carol@10.0.0.7:5060> for carol@example.org\n", ""));
        (await Ctl(url, "ul", "show", "carol@example.org")).ShouldBe(new ProxyCtl.Result(
            0,
            "carol@example.org:\n  <sip:carol@10.0.0.7:5060> q=1.00 expires=permanent callid=Default-Call-ID cseq=1 flags=128 received=- socket=- user_agent=\"natedge-proxy ctl\"\n",
            ""));
        (await Ctl(url, "ul", "add", "carol@example.org", "carol@10.0.0.7"))
            .ShouldBe(new ProxyCtl.Result(2, "", "expected a sip: or sips: URI, got 'carol@10.0.0.7'\n"));
    }

    [Fact]
    public async Task Bad_usage_exits_with_2()
    {
        var url = await InitializedAsync();
        (await Ctl(url, "user", "add", "alice", "secret")).ShouldBe(new ProxyCtl.Result(2, "", "expected USER@DOMAIN, got 'alice'\n"));
        (await Ctl(url, "alias", "add", "1234@example.org", "alice@")).ShouldBe(new ProxyCtl.Result(2, "", "expected USER@DOMAIN, got 'alice@'\n"));
        (await Ctl(url, "domain", "add", "bad domain")).ShouldBe(new ProxyCtl.Result(2, "", "DOMAIN must be a host name or address, got 'bad domain'\n"));
        (await Ctl(url, "user", "add", "alice@example.org")).ExitCode.ShouldBe(2);
        (await ProxyCtl.RunAsync("--db-url", "postgres://u:p@h/d", "user", "list"))
            .ShouldBe(new ProxyCtl.Result(2, "", "db_url 'postgres://u:***@h/d': unknown scheme; use mysql://user:pass@host[:port]/db or sqlite:PATH\n"));
        (await ProxyCtl.RunAsync("--db-url", url, "--config", "/nonexistent.cfg", "user", "list"))
            .ShouldBe(new ProxyCtl.Result(2, "", "give either --db-url or --config, not both\n"));
        (await ProxyCtl.RunAsync("--config", "/nonexistent/natedge.cfg", "user", "list"))
            .ShouldBe(new ProxyCtl.Result(2, "", "cannot read config file '/nonexistent/natedge.cfg': it does not exist\n"));
        (await ProxyCtl.RunAsync("--db-url", url)).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task The_config_file_names_the_database()
    {
        var url = await InitializedAsync();
        var config = Path.Combine(Path.GetTempPath(), $"natedge-ctl-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(
            config,
            "# stage 2 of the guide\nloadmodule \"/usr/local/lib/ser/modules/usrloc.so\"\n" +
            "#modparam(\"usrloc\", \"db_url\", \"mysql://commented:out@nowhere/x\")\n" +
            $"modparam(\"auth_db|uri_db|usrloc\", \"db_url\", \"{url}\") # the edit the guide asks for\n");
        try
        {
            (await ProxyCtl.RunAsync("--config", config, "user", "add", "alice@example.org", "pw")).ExitCode.ShouldBe(0);
            (await ProxyCtl.RunAsync("--config", config, "user", "list")).ShouldBe(new ProxyCtl.Result(0, "alice@example.org\n", ""));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_database_without_tables_asks_for_db_init()
    {
        var url = await NewDbUrlAsync();
        var result = await Ctl(url, "user", "list");
        result.ExitCode.ShouldBe(1);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("subscriber");
        result.Error.ShouldEndWith("(has 'ctl db init' been run?)\n");
    }

    protected static Task<ProxyCtl.Result> Ctl(string url, params string[] arguments) =>
        ProxyCtl.RunAsync(["--db-url", url, .. arguments]);

    private async Task<string> InitializedAsync()
    {
        var url = await NewDbUrlAsync();
        await SchemaInstaller.InstallAsync(global::NatEdge.Proxy.Storage.Database.Open(DbUrl.Parse(url)));
        return url;
    }

    private static ContactBinding Registration(string aor, string contact, DateTime expires, float q, string callId, int cseq) => new()
    {
        Aor = aor,
        Contact = contact,
        Expires = expires,
        Q = q,
        CallId = callId,
        CSeq = cseq,
        UserAgent = "Test Phone/1.0",
        Received = "sip:198.51.100.7:5066",
        Flags = 64,
        Socket = "udp:127.0.0.1:5060",
        LastModified = expires.AddHours(-1),
    };

#pragma warning disable CA5351 // subscriber HA1 is MD5 by definition
    private static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
