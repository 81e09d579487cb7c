using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>The result of save(): an error, or the bindings the AOR has afterwards (for the 200 OK).</summary>
public readonly record struct RegistrationResult(RegistrarError Error, IReadOnlyList<ContactBinding> Bindings);

/// <summary>
/// Applies a REGISTER to the location store (RFC 3261 10.3 steps 6-8). Every check runs before
/// the first write, so a refused request changes nothing: expiries are granted (or the request is
/// 423), CSeq order is checked against the stored bindings, max_contacts is respected. A contact
/// with the same Call-ID and the same CSeq is a retransmission and is left as it is.
/// </summary>
public static class Registration
{
    public static async ValueTask<RegistrationResult> SaveAsync(
        RegisterRequest request,
        bool natFlagged,
        RegistrarOptions options,
        ILocationStore store,
        DateTime utcNow,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            if (request.IsWildcard)
            {
                await store.RemoveAllAsync(request.Aor, cancellationToken).ConfigureAwait(false);
                return new RegistrationResult(RegistrarError.None, []);
            }

            var existing = await store.GetAsync(request.Aor, cancellationToken).ConfigureAwait(false);
            if (request.Contacts.Count > 0)
            {
                var error = Plan(request, natFlagged, options, existing, utcNow, out var changes);
                if (error != RegistrarError.None)
                {
                    return new RegistrationResult(error, existing);
                }

                foreach (var change in changes)
                {
                    var outcome = await store.PutAsync(change, cancellationToken).ConfigureAwait(false);
                    if (outcome == PutOutcome.OutOfOrder && !await IsRetransmissionAsync(store, change, cancellationToken).ConfigureAwait(false))
                    {
                        return new RegistrationResult(RegistrarError.OutOfOrderCSeq, existing);
                    }
                }

                existing = await store.GetAsync(request.Aor, cancellationToken).ConfigureAwait(false);
            }

            return new RegistrationResult(RegistrarError.None, existing);
        }
        catch (StorageException)
        {
            return new RegistrationResult(RegistrarError.StoreUnavailable, []);
        }
    }

    /// <summary>
    /// A retransmitted REGISTER handled while its original was still being stored (sl keeps no
    /// transaction; with db_mode 3 the write takes a database round trip) finds its own binding with
    /// the same Call-ID and CSeq: it gets the same answer as the original, not 400.
    /// </summary>
    private static async ValueTask<bool> IsRetransmissionAsync(ILocationStore store, ContactBinding change, CancellationToken cancellationToken)
    {
        foreach (var stored in await store.GetAsync(change.Aor, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(stored.Contact, change.Contact, StringComparison.Ordinal)
                && string.Equals(stored.CallId, change.CallId, StringComparison.Ordinal)
                && stored.CSeq == change.CSeq)
            {
                return true;
            }
        }

        return false;
    }

    private static RegistrarError Plan(
        RegisterRequest request,
        bool natFlagged,
        RegistrarOptions options,
        IReadOnlyList<ContactBinding> existing,
        DateTime utcNow,
        out List<ContactBinding> changes)
    {
        changes = new List<ContactBinding>(request.Contacts.Count);
        var live = existing.Count;
        foreach (var contact in request.Contacts)
        {
            // RFC 3261 10.3 step 6: the Contact's expires parameter, else the Expires header, else the default.
            var requested = contact.Expires >= 0 ? contact.Expires : request.ExpiresHeader >= 0 ? request.ExpiresHeader : options.DefaultExpires;
            if (!options.TryGrant(requested, out var granted))
            {
                return RegistrarError.IntervalTooBrief;
            }

            var stored = Find(existing, contact.Uri);
            if (stored is not null && string.Equals(stored.CallId, request.CallId, StringComparison.Ordinal))
            {
                if (request.CSeq < stored.CSeq)
                {
                    return RegistrarError.OutOfOrderCSeq;
                }

                if (request.CSeq == stored.CSeq)
                {
                    continue;
                }
            }

            live += (stored is null, granted > 0) switch
            {
                (true, true) => 1,
                (false, false) => -1,
                _ => 0,
            };
            changes.Add(new ContactBinding
            {
                Aor = request.Aor,
                Contact = contact.Uri,
                Expires = utcNow.AddSeconds(granted),
                Q = contact.Q >= 0 ? contact.Q : DefaultQ(options),
                CallId = request.CallId,
                CSeq = request.CSeq,
                UserAgent = request.UserAgent,
                Received = request.Received,
                Socket = request.Socket,
                Flags = natFlagged ? RegistrarOptions.NatContactFlag : 0,
                LastModified = utcNow,
            });
        }

        return options.MaxContacts > 0 && live > options.MaxContacts ? RegistrarError.TooManyContacts : RegistrarError.None;
    }

    /// <summary>SER's default_q 0 means "not given"; such contacts are stored with q 1.0 as Kamailio's table default.</summary>
    private static float DefaultQ(RegistrarOptions options) =>
        options.DefaultQThousandths > 0 ? Math.Min(options.DefaultQThousandths, 1000) / 1000f : 1.0f;

    private static ContactBinding? Find(IReadOnlyList<ContactBinding> bindings, string contact)
    {
        foreach (var binding in bindings)
        {
            if (string.Equals(binding.Contact, contact, StringComparison.Ordinal))
            {
                return binding;
            }
        }

        return null;
    }
}
