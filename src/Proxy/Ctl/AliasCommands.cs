using System.CommandLine;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>ctl alias add|rm|list</c> over <c>aliases</c>: a permanent binding of the alias AOR to the
/// target's SIP URI, which <c>lookup("aliases")</c> turns into the new Request-URI.
/// </summary>
internal static class AliasCommands
{
    private static readonly Argument<string> Alias = new("ALIAS@DOMAIN") { Description = "the alias" };
    private static readonly Argument<string> Target = new("USER@DOMAIN") { Description = "the account the alias stands for" };

    public static Command Create(CtlOptions options)
    {
        var alias = new Command("alias", "other names for accounts");
        alias.Subcommands.Add(CtlCommand.Leaf("add", "add an alias", options, AddAsync, Alias, Target));
        alias.Subcommands.Add(CtlCommand.Leaf("rm", "remove an alias", options, RemoveAsync, Alias));
        alias.Subcommands.Add(CtlCommand.Leaf("list", "list aliases", options, ListAsync));
        return alias;
    }

    private static async Task<int> AddAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(Alias), "ALIAS@DOMAIN", out var alias) ||
            !session.TryAccount(parse.GetValue(Target), "USER@DOMAIN", out var target))
        {
            return Program.ExitBadUsage;
        }

        if (await new SubscriberRepository(session.Database).FindAsync(alias.User, alias.Domain, token).ConfigureAwait(false) is not null)
        {
            return session.Fail($"{alias} is a user; an alias may not hide it");
        }

        var aliases = new LocationRepository(session.Database, KamailioSchema.AliasesTable);
        if ((await aliases.LoadAsync(alias.ToString(), token).ConfigureAwait(false)).Count > 0)
        {
            return session.Fail($"alias {alias} already exists");
        }

        var now = session.Time.GetUtcNow().UtcDateTime;
        await aliases.UpsertAsync(
            new ContactBinding
            {
                Aor = alias.ToString(),
                Contact = "sip:" + target,
                Expires = KamailioSchema.ForeverExpires,
                Flags = ContactBinding.PermanentFlag,
                UserAgent = "natedge-proxy ctl",
                LastModified = now,
            },
            token).ConfigureAwait(false);
        await session.Output.WriteLineAsync($"added alias {alias} -> sip:{target}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> RemoveAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(Alias), "ALIAS@DOMAIN", out var alias))
        {
            return Program.ExitBadUsage;
        }

        var aliases = new LocationRepository(session.Database, KamailioSchema.AliasesTable);
        if (await aliases.DeleteAorAsync(alias.ToString(), token).ConfigureAwait(false) == 0)
        {
            return session.Fail($"no such alias {alias}");
        }

        await session.Output.WriteLineAsync($"removed alias {alias}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> ListAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        var aliases = new LocationRepository(session.Database, KamailioSchema.AliasesTable);
        foreach (var binding in await aliases.LoadAllAsync(token).ConfigureAwait(false))
        {
            await session.Output.WriteLineAsync($"{binding.Aor} -> {binding.Contact}").ConfigureAwait(false);
        }

        return Program.ExitOk;
    }
}
