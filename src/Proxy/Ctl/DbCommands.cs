using System.CommandLine;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Ctl;

/// <summary><c>ctl db init</c>: creates the Kamailio 5.6 tables that are missing.</summary>
internal static class DbCommands
{
    public static Command Create(CtlOptions options)
    {
        var db = new Command("db", "database schema");
        db.Subcommands.Add(CtlCommand.Leaf("init", "create the subscriber, location, aliases, domain, uri and version tables", options, InitAsync));
        return db;
    }

    private static async Task<int> InitAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        var created = await SchemaInstaller.InstallAsync(session.Database, token).ConfigureAwait(false);
        foreach (var table in created)
        {
            var version = KamailioSchema.Tables.First(definition => definition.Name == table).Version;
            await session.Output.WriteLineAsync($"created table {table} (version {version})").ConfigureAwait(false);
        }

        await session.Output.WriteLineAsync(created.Count == 0 ? "all tables already present" : "schema ready").ConfigureAwait(false);
        return Program.ExitOk;
    }
}
