using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Tests.Modules.Auth;

/// <summary>
/// The guide's stage-2 idiom (02-auth-mysql.cfg): REGISTER checked with www_authorize and
/// check_to, other requests with proxy_authorize and check_from, credentials consumed; services
/// started from the modparams over an SQLite file holding two subscribers and one local domain.
/// </summary>
internal sealed class AuthScript : IDisposable
{
    public const string Realm = "proxy.test";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("natedge-auth-");

    public AuthScript(string modparams = "", string? authDbUrl = null)
    {
        var url = "sqlite:" + Path.Combine(_directory.FullName, "ser.db");
        var database = Database.Open(DbUrl.Parse(url));
        SchemaInstaller.InstallAsync(database).GetAwaiter().GetResult();
        var subscribers = new SubscriberRepository(database);
        foreach (var user in new[] { "1000", "1001" })
        {
            subscribers.AddAsync(new SubscriberRecord(user, Realm, "secret" + user, Md5Hex($"{user}:{Realm}:secret{user}"), Md5Hex($"{user}@{Realm}:{Realm}:secret{user}"))).GetAwaiter().GetResult();
        }

        new DomainRepository(database).AddAsync(Realm, DateTime.UtcNow).GetAwaiter().GetResult();
        var script = $$"""
            loadmodule "sl.so"
            loadmodule "tm.so"
            loadmodule "textops.so"
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            loadmodule "auth.so"
            loadmodule "auth_db.so"
            loadmodule "uri_db.so"
            loadmodule "domain.so"
            modparam("usrloc|uri_db|domain", "db_url", "{{url}}")
            modparam("auth_db", "db_url", "{{authDbUrl ?? url}}")
            modparam("auth_db", "calculate_ha1", 1)
            modparam("auth_db", "password_column", "password")
            modparam("auth", "nonce_expire", 30)
            {{modparams}}
            route {
                if (method == "REGISTER") {
                    if (!www_authorize("", "subscriber")) { www_challenge("", "0"); break; };
                    if (!check_to()) { sl_send_reply("403", "Forbidden"); break; };
                    consume_credentials();
                    if (!save("location")) { sl_reply_error(); };
                    break;
                };
                if (uri =~ "^sip:local@") {
                    if (is_uri_host_local()) { sl_send_reply("291", "Local"); } else { sl_send_reply("292", "Not Local"); };
                    break;
                };
                if (uri =~ "^sip:fromlocal@") {
                    if (is_from_local()) { sl_send_reply("291", "Local"); } else { sl_send_reply("292", "Not Local"); };
                    break;
                };
                if (!proxy_authorize("", "subscriber")) { proxy_challenge("", "1"); break; };
                if (!check_from()) { sl_send_reply("403", "Use From=ID"); break; };
                consume_credentials();
                sl_send_reply("299", "Authorized");
            }
            """;
        Harness = new ModuleScriptHarness(script, time =>
            ModuleServices.StartAsync(ScriptLoaderModules(script), time).GetAwaiter().GetResult());
    }

    public ModuleScriptHarness Harness { get; }

    public void Dispose()
    {
        Harness.Services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Harness.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static IReadOnlyDictionary<string, ModuleSettings> ScriptLoaderModules(string script) =>
        NatEdge.Proxy.Routing.ScriptLoader.LoadText(script, "test.cfg").Script!.Modules;

    private static string Md5Hex(string text) =>
#pragma warning disable CA5351 // the subscriber table's ha1 column is MD5 by definition
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
