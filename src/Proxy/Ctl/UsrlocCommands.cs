using System.CommandLine;
using System.Globalization;
using NatEdge.Proxy.Management;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>ctl ul show [AOR] | ul rm AOR [CONTACT] | ul add AOR CONTACT [EXPIRES]</c>. With a running
/// proxy's control socket (<see cref="ControlLink"/>) they act on the proxy's own location store,
/// which is the only one with <c>db_mode=0</c>; otherwise on the <c>location</c> table. A proxy in
/// db_mode 1 or 2 keeps its own copy in memory: what a table edit changes there shows after the
/// proxy's next restart; in db_mode 3 at once. The output is the same either way.
/// </summary>
internal static class UsrlocCommands
{
    private static readonly Argument<string?> ShowAccount = new("USER@DOMAIN")
    {
        Description = "whose registrations; all when left out",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Argument<string> RemoveAccount = new("USER@DOMAIN") { Description = "whose registrations to remove" };
    private static readonly Argument<string?> RemoveContact = new("CONTACT") { Description = "only this contact; all of the account's when left out", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> AddAccount = new("USER@DOMAIN") { Description = "the account to bind" };
    private static readonly Argument<string> AddContact = new("CONTACT") { Description = "a sip: or sips: URI" };
    private static readonly Argument<int?> AddExpires = new("EXPIRES") { Description = "seconds until the binding expires; permanent when left out", Arity = ArgumentArity.ZeroOrOne };

    public static Command Create(CtlOptions options)
    {
        var ul = new Command("ul", "registrations (user location)");
        ul.Subcommands.Add(CtlCommand.SocketOrDatabaseLeaf(
            "show", "show registrations", options, parse => Line("ul show", parse.GetValue(ShowAccount)), ShowAsync, ShowAccount));
        ul.Subcommands.Add(CtlCommand.SocketOrDatabaseLeaf(
            "rm", "remove an account's registrations, or one of them", options,
            parse => Line("ul rm", parse.GetValue(RemoveAccount), parse.GetValue(RemoveContact)), RemoveAsync, RemoveAccount, RemoveContact));
        ul.Subcommands.Add(CtlCommand.SocketOrDatabaseLeaf(
            "add", "bind an account to a contact, permanent unless EXPIRES is given (serctl ul add)", options,
            parse => Line("ul add", parse.GetValue(AddAccount), parse.GetValue(AddContact), parse.GetValue(AddExpires)?.ToString(CultureInfo.InvariantCulture)),
            AddAsync, AddAccount, AddContact, AddExpires));
        return ul;
    }

    private static string Line(string command, params string?[] words) =>
        string.Join(' ', words.Where(w => !string.IsNullOrEmpty(w)).Prepend(command));

    private static async Task<int> ShowAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        var location = new LocationRepository(session.Database);
        var text = parse.GetValue(ShowAccount);
        IReadOnlyList<ContactBinding> bindings;
        if (text is null)
        {
            bindings = await location.LoadAllAsync(token).ConfigureAwait(false);
        }
        else
        {
            if (!session.TryAccount(text, "USER@DOMAIN", out var account))
            {
                return Program.ExitBadUsage;
            }

            bindings = await location.LoadAsync(account.ToString(), token).ConfigureAwait(false);
            if (bindings.Count == 0)
            {
                return session.Fail(RegistrationListing.NoneFor(account.ToString()));
            }
        }

        foreach (var line in RegistrationListing.Lines(bindings))
        {
            await session.Output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return Program.ExitOk;
    }

    private static async Task<int> AddAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(AddAccount), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        var contact = (parse.GetValue(AddContact) ?? "").Trim();
        if (RegistrationListing.ContactProblem(contact) is { } problem)
        {
            session.Error.WriteLine(problem);
            return Program.ExitBadUsage;
        }

        var now = session.Time.GetUtcNow().UtcDateTime;
        DateTime? expires = null;
        if (parse.GetValue(AddExpires) is { } seconds)
        {
            if (seconds <= 0)
            {
                session.Error.WriteLine($"EXPIRES is a number of seconds above 0, got '{seconds}'");
                return Program.ExitBadUsage;
            }

            expires = now.AddSeconds(seconds);
        }

        await new LocationRepository(session.Database).UpsertAsync(RegistrationListing.Manual(account.ToString(), contact, expires, now), token).ConfigureAwait(false);
        await session.Output.WriteLineAsync(RegistrationListing.Added(contact, account.ToString(), expires)).ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> RemoveAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(RemoveAccount), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        var location = new LocationRepository(session.Database);
        if (parse.GetValue(RemoveContact) is { } contact)
        {
            return await location.DeleteAsync(account.ToString(), contact, token).ConfigureAwait(false)
                ? await Print(session, RegistrationListing.RemovedOne(contact, account.ToString())).ConfigureAwait(false)
                : session.Fail(RegistrationListing.NoContact(contact, account.ToString()));
        }

        var removed = await location.DeleteAorAsync(account.ToString(), token).ConfigureAwait(false);
        return removed == 0
            ? session.Fail(RegistrationListing.NoneFor(account.ToString()))
            : await Print(session, RegistrationListing.RemovedAll(removed, account.ToString())).ConfigureAwait(false);
    }

    private static async Task<int> Print(CtlSession session, string line)
    {
        await session.Output.WriteLineAsync(line).ConfigureAwait(false);
        return Program.ExitOk;
    }
}
