using System.CommandLine;
using NatEdge.Proxy.Modules.Auth;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Ctl;

/// <summary><c>ctl user add|passwd|rm|list</c> over <c>subscriber</c> (serctl add/passwd/rm).</summary>
internal static class UserCommands
{
    private static readonly Argument<string> Account = new("USER@DOMAIN") { Description = "the account" };
    private static readonly Argument<string> Password = new("PASSWORD") { Description = "the password" };

    public static Command Create(CtlOptions options)
    {
        var user = new Command("user", "subscribers that may register and call");
        user.Subcommands.Add(CtlCommand.Leaf("add", "add a subscriber", options, AddAsync, Account, Password));
        user.Subcommands.Add(CtlCommand.Leaf("passwd", "change a subscriber's password", options, PasswdAsync, Account, Password));
        user.Subcommands.Add(CtlCommand.Leaf("rm", "remove a subscriber and its registrations", options, RemoveAsync, Account));
        user.Subcommands.Add(CtlCommand.Leaf("list", "list subscribers", options, ListAsync));
        return user;
    }

    private static async Task<int> AddAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(Account), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        var aliases = new LocationRepository(session.Database, KamailioSchema.AliasesTable);
        if ((await aliases.LoadAsync(account.ToString(), token).ConfigureAwait(false)).Count > 0)
        {
            return session.Fail($"{account} is an alias; remove the alias first");
        }

        var secrets = SubscriberSecrets.For(account.User, account.Domain, parse.GetValue(Password) ?? "");
        if (!await new SubscriberRepository(session.Database).AddAsync(secrets, token).ConfigureAwait(false))
        {
            return session.Fail($"user {account} already exists");
        }

        await session.Output.WriteLineAsync($"added user {account}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> PasswdAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(Account), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        var secrets = SubscriberSecrets.For(account.User, account.Domain, parse.GetValue(Password) ?? "");
        if (!await new SubscriberRepository(session.Database).UpdatePasswordAsync(secrets, token).ConfigureAwait(false))
        {
            return session.Fail($"no such user {account}");
        }

        await session.Output.WriteLineAsync($"password changed for {account}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> RemoveAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(Account), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        if (!await new SubscriberRepository(session.Database).RemoveAsync(account.User, account.Domain, token).ConfigureAwait(false))
        {
            return session.Fail($"no such user {account}");
        }

        // serctl rm also drops the user's registrations.
        await new LocationRepository(session.Database).DeleteAorAsync(account.ToString(), token).ConfigureAwait(false);
        await session.Output.WriteLineAsync($"removed user {account}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> ListAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        foreach (var (user, domain) in await new SubscriberRepository(session.Database).ListAsync(token).ConfigureAwait(false))
        {
            await session.Output.WriteLineAsync($"{user}@{domain}").ConfigureAwait(false);
        }

        return Program.ExitOk;
    }
}
