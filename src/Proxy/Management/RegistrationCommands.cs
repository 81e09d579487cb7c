using System.Globalization;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>ul show [AOR]</c>, <c>ul rm AOR [CONTACT]</c>, <c>ul add AOR CONTACT [EXPIRES]</c> on the
/// running proxy's own location store, so they work with <c>db_mode=0</c> too. An AOR is typed
/// as <c>user@domain</c> (or <c>sip:user@domain</c>) and looked up as the registrar stores it:
/// the user alone unless registrar <c>use_domain</c> is on.
/// </summary>
public sealed class RegistrationCommands(ILocationStore? location, Func<BoundScript> currentScript, TimeProvider time)
{
    public async Task<ControlAnswer> ExecuteAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        if (location is null)
        {
            return ControlAnswer.Error(ControlAnswer.NotFound, "this proxy keeps no registrations (usrloc is not loaded)");
        }

        return (words.Count > 1 ? words[1] : "") switch
        {
            "show" when words.Count <= 3 => await ShowAsync(location, words.Count == 3 ? words[2] : null, cancellationToken).ConfigureAwait(false),
            "rm" when words.Count is 3 or 4 => await RemoveAsync(location, words[2], words.Count == 4 ? words[3] : null, cancellationToken).ConfigureAwait(false),
            "add" when words.Count is 4 or 5 => await AddAsync(location, words[2], words[3], words.Count == 5 ? words[4] : null, cancellationToken).ConfigureAwait(false),
            _ => ControlAnswer.Error(ControlAnswer.BadRequest, "usage: ul show [AOR] | ul rm AOR [CONTACT] | ul add AOR CONTACT [EXPIRES]"),
        };
    }

    private async Task<ControlAnswer> ShowAsync(ILocationStore store, string? typed, CancellationToken cancellationToken)
    {
        if (typed is null)
        {
            return ControlAnswer.Done([.. RegistrationListing.Lines(await store.GetAllAsync(cancellationToken).ConfigureAwait(false))]);
        }

        if (!TryAor(typed, out var aor, out var account, out var problem))
        {
            return problem;
        }

        var bindings = await store.GetAsync(aor, cancellationToken).ConfigureAwait(false);
        return bindings.Count == 0
            ? ControlAnswer.Error(ControlAnswer.NotFound, RegistrationListing.NoneFor(account))
            : ControlAnswer.Done([.. RegistrationListing.Lines(bindings)]);
    }

    private async Task<ControlAnswer> RemoveAsync(ILocationStore store, string typed, string? contact, CancellationToken cancellationToken)
    {
        if (!TryAor(typed, out var aor, out var account, out var problem))
        {
            return problem;
        }

        if (contact is not null)
        {
            return await store.RemoveAsync(aor, contact, cancellationToken).ConfigureAwait(false)
                ? ControlAnswer.Done(RegistrationListing.RemovedOne(contact, account))
                : ControlAnswer.Error(ControlAnswer.NotFound, RegistrationListing.NoContact(contact, account));
        }

        var removed = await store.RemoveAllAsync(aor, cancellationToken).ConfigureAwait(false);
        return removed == 0
            ? ControlAnswer.Error(ControlAnswer.NotFound, RegistrationListing.NoneFor(account))
            : ControlAnswer.Done(RegistrationListing.RemovedAll(removed, account));
    }

    private async Task<ControlAnswer> AddAsync(ILocationStore store, string typed, string contact, string? expiresText, CancellationToken cancellationToken)
    {
        if (!TryAor(typed, out var aor, out var account, out var problem))
        {
            return problem;
        }

        if (RegistrationListing.ContactProblem(contact) is { } badContact)
        {
            return ControlAnswer.Error(ControlAnswer.BadRequest, badContact);
        }

        var now = time.GetUtcNow().UtcDateTime;
        DateTime? expires = null;
        if (expiresText is not null)
        {
            if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds == 0)
            {
                return ControlAnswer.Error(ControlAnswer.BadRequest, $"EXPIRES is a number of seconds above 0, got '{expiresText}'");
            }

            expires = now.AddSeconds(seconds);
        }

        // A hand-made binding always carries the same Call-ID and CSeq, which the store would refuse as out of order.
        await store.RemoveAsync(aor, contact, cancellationToken).ConfigureAwait(false);
        await store.PutAsync(RegistrationListing.Manual(aor, contact, expires, now), cancellationToken).ConfigureAwait(false);
        return ControlAnswer.Done(RegistrationListing.Added(contact, account, expires));
    }

    private bool TryAor(string typed, out string aor, out string account, out ControlAnswer problem)
    {
        aor = account = string.Empty;
        problem = ControlAnswer.Error(ControlAnswer.BadRequest, $"expected USER@DOMAIN, got '{typed}'");
        if (!Ctl.AccountName.TryParse(typed, out var name))
        {
            return false;
        }

        account = name.ToString();
        aor = UsesDomain() ? account : name.User;
        return true;
    }

    private bool UsesDomain() =>
        currentScript().Modules.TryGetValue("registrar", out var registrar) && registrar.GetInteger("use_domain") == 1;
}
