using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Usrloc;

/// <summary>
/// The contact sets of addresses-of-record (usrloc). One implementation per <c>db_mode</c>; the
/// registrar sees only this. Expired bindings are never returned, and are swept periodically
/// (<c>timer_interval</c>) on the store's <see cref="TimeProvider"/>. AORs compare
/// case-insensitively (registrar <c>case_sensitive</c> 0).
/// </summary>
/// <remarks>Methods that touch the database throw <see cref="StorageUnavailableException"/> when it is down.</remarks>
public interface ILocationStore : IAsyncDisposable
{
    UsrlocDbMode Mode { get; }

    /// <summary>The unexpired bindings of <paramref name="aor"/>, highest q first (ties: oldest first).</summary>
    ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every unexpired binding of every AOR, grouped by AOR: NAT keepalive pings walk it for
    /// contacts with the NAT flag. A snapshot; later changes do not show in it.
    /// </summary>
    ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds, refreshes or (when <see cref="ContactBinding.Expires"/> is not in the future)
    /// removes the binding of (AOR, contact), following RFC 3261 §10.3 step 7: for the same
    /// Call-ID only a higher CSeq may change it.
    /// </summary>
    ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default);

    /// <summary>Removes one binding whatever its Call-ID and CSeq (ctl <c>ul rm</c>).</summary>
    ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default);

    /// <summary>Removes every binding of an AOR (<c>Contact: *</c> with Expires 0, ctl <c>ul rm</c>).</summary>
    ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default);

    /// <summary>Drops bindings whose expiry has passed; returns how many. The timer calls it.</summary>
    ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes pending changes to the database (db_mode 2); nothing to do in the other modes.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ILocationStore.PutAsync"/> did.</summary>
public enum PutOutcome
{
    Inserted,
    Updated,
    Removed,

    /// <summary>An expiry of zero for a binding that did not exist: nothing to do.</summary>
    NotFound,

    /// <summary>Same Call-ID with a CSeq not above the stored one: the update is refused (RFC 3261 §10.3 step 7, answered 500).</summary>
    OutOfOrder,
}

/// <summary>usrloc <c>db_mode</c> (DESIGN.md, Storage).</summary>
public enum UsrlocDbMode
{
    MemoryOnly = 0,
    WriteThrough = 1,
    WriteBack = 2,
    DatabaseOnly = 3,
}
