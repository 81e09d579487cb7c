using System.CommandLine;
using System.Globalization;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Storage.Schema;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>ctl ul show [USER@DOMAIN] | ul rm USER@DOMAIN</c> over the <c>location</c> table. A proxy
/// in db_mode 1 or 2 keeps its own copy in memory: what ul rm deletes there is gone after the
/// proxy's next restart; in db_mode 3 at once.
/// </summary>
internal static class UsrlocCommands
{
    private static readonly Argument<string?> ShowAccount = new("USER@DOMAIN")
    {
        Description = "whose registrations; all when left out",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Argument<string> RemoveAccount = new("USER@DOMAIN") { Description = "whose registrations to remove" };
    private static readonly Argument<string> AddAccount = new("USER@DOMAIN") { Description = "the account to bind" };
    private static readonly Argument<string> AddContact = new("CONTACT") { Description = "a sip: or sips: URI" };

    public static Command Create(CtlOptions options)
    {
        var ul = new Command("ul", "registrations (user location)");
        ul.Subcommands.Add(CtlCommand.Leaf("show", "show registrations", options, ShowAsync, ShowAccount));
        ul.Subcommands.Add(CtlCommand.Leaf("rm", "remove every registration of an account", options, RemoveAsync, RemoveAccount));
        ul.Subcommands.Add(CtlCommand.Leaf("add", "bind an account to a contact that never expires (serctl ul add)", options, AddAsync, AddAccount, AddContact));
        return ul;
    }

    /// <summary>One line per binding; times are absolute UTC so the output does not drift while it is read.</summary>
    public static string Format(ContactBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var expires = binding.IsPermanent ? "permanent" : binding.Expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  <{binding.Contact}> q={binding.Q:0.00} expires={expires} callid={binding.CallId} cseq={binding.CSeq} " +
            $"flags={binding.Flags} received={binding.Received ?? "-"} socket={binding.Socket ?? "-"} user_agent=\"{binding.UserAgent}\"");
    }

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
                return session.Fail($"no registrations for {account}");
            }
        }

        string? current = null;
        foreach (var binding in bindings)
        {
            if (!string.Equals(current, binding.Aor, StringComparison.OrdinalIgnoreCase))
            {
                current = binding.Aor;
                await session.Output.WriteLineAsync($"{binding.Aor}:").ConfigureAwait(false);
            }

            await session.Output.WriteLineAsync(Format(binding)).ConfigureAwait(false);
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
        if (!(contact.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || contact.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)) ||
            contact.AsSpan().IndexOfAny(" \t<>\"") >= 0)
        {
            session.Error.WriteLine($"expected a sip: or sips: URI, got '{contact}'");
            return Program.ExitBadUsage;
        }

        await new LocationRepository(session.Database).UpsertAsync(
            new ContactBinding
            {
                Aor = account.ToString(),
                Contact = contact,
                Expires = KamailioSchema.ForeverExpires,
                Flags = ContactBinding.PermanentFlag,
                UserAgent = "natedge-proxy ctl",
                LastModified = session.Time.GetUtcNow().UtcDateTime,
            },
            token).ConfigureAwait(false);
        await session.Output.WriteLineAsync($"added permanent contact <{contact}> for {account}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> RemoveAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!session.TryAccount(parse.GetValue(RemoveAccount), "USER@DOMAIN", out var account))
        {
            return Program.ExitBadUsage;
        }

        var removed = await new LocationRepository(session.Database).DeleteAorAsync(account.ToString(), token).ConfigureAwait(false);
        if (removed == 0)
        {
            return session.Fail($"no registrations for {account}");
        }

        await session.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"removed {removed} registration(s) of {account}")).ConfigureAwait(false);
        return Program.ExitOk;
    }
}
