using System.CommandLine;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Ctl;

/// <summary><c>ctl domain add|rm|list</c> over <c>domain</c> (serctl domain).</summary>
internal static class DomainCommands
{
    private static readonly System.Buffers.SearchValues<char> NotInDomain = System.Buffers.SearchValues.Create(" \t@:;<>\"/");
    private static readonly Argument<string> Domain = new("DOMAIN") { Description = "a domain this proxy serves" };

    public static Command Create(CtlOptions options)
    {
        var domain = new Command("domain", "domains this proxy is responsible for");
        domain.Subcommands.Add(CtlCommand.Leaf("add", "add a local domain", options, AddAsync, Domain));
        domain.Subcommands.Add(CtlCommand.Leaf("rm", "remove a local domain", options, RemoveAsync, Domain));
        domain.Subcommands.Add(CtlCommand.Leaf("list", "list local domains", options, ListAsync));
        return domain;
    }

    private static bool TryDomain(CtlSession session, ParseResult parse, out string domain)
    {
        domain = (parse.GetValue(Domain) ?? "").Trim();
        if (domain.Length > 0 && domain.AsSpan().IndexOfAny(NotInDomain) < 0)
        {
            return true;
        }

        session.Error.WriteLine($"DOMAIN must be a host name or address, got '{domain}'");
        return false;
    }

    private static async Task<int> AddAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!TryDomain(session, parse, out var domain))
        {
            return Program.ExitBadUsage;
        }

        if (!await new DomainRepository(session.Database).AddAsync(domain, session.Time.GetUtcNow().UtcDateTime, token).ConfigureAwait(false))
        {
            return session.Fail($"domain {domain} already exists");
        }

        await session.Output.WriteLineAsync($"added domain {domain}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> RemoveAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        if (!TryDomain(session, parse, out var domain))
        {
            return Program.ExitBadUsage;
        }

        if (!await new DomainRepository(session.Database).RemoveAsync(domain, token).ConfigureAwait(false))
        {
            return session.Fail($"no such domain {domain}");
        }

        await session.Output.WriteLineAsync($"removed domain {domain}").ConfigureAwait(false);
        return Program.ExitOk;
    }

    private static async Task<int> ListAsync(CtlSession session, ParseResult parse, CancellationToken token)
    {
        foreach (var domain in await new DomainRepository(session.Database).ListAsync(token).ConfigureAwait(false))
        {
            await session.Output.WriteLineAsync(domain).ConfigureAwait(false);
        }

        return Program.ExitOk;
    }
}
