namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>
/// The registrar modparams (route-script.md section 3) as one snapshot, read once when a call
/// site is bound. Defaults are SER 0.9's; <see cref="MinExpiresMode"/> is Kamailio's.
/// </summary>
public sealed record RegistrarOptions
{
    /// <summary>SER's FL_NAT: the bit in <c>location.flags</c> that marks a contact saved behind NAT.</summary>
    public const int NatContactFlag = 1;

    /// <summary>Script flag that save() reads and lookup() sets for NATed contacts.</summary>
    public int NatFlag { get; init; } = 4;

    public int DefaultExpires { get; init; } = 3600;

    public int MinExpires { get; init; } = 60;

    /// <summary>0 means no upper bound.</summary>
    public int MaxExpires { get; init; }

    /// <summary>1: an expiry below <see cref="MinExpires"/> is refused with 423 (Kamailio); 0: raised to it (SER).</summary>
    public bool RejectBelowMinExpires { get; init; }

    /// <summary>q for contacts that give none, in thousandths (SER's int parameter: 380 means 0.38).</summary>
    public int DefaultQThousandths { get; init; }

    public bool AppendBranches { get; init; } = true;

    public bool UseDomain { get; init; }

    /// <summary>0 means no limit.</summary>
    public int MaxContacts { get; init; }

    public static RegistrarOptions From(ModuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RegistrarOptions
        {
            NatFlag = (int)settings.GetInteger("nat_flag"),
            DefaultExpires = (int)settings.GetInteger("default_expires"),
            MinExpires = (int)settings.GetInteger("min_expires"),
            MaxExpires = (int)settings.GetInteger("max_expires"),
            RejectBelowMinExpires = settings.GetInteger("min_expires_mode") == 1,
            DefaultQThousandths = (int)settings.GetInteger("default_q"),
            AppendBranches = settings.GetInteger("append_branches") == 1,
            UseDomain = settings.GetInteger("use_domain") == 1,
            MaxContacts = (int)settings.GetInteger("max_contacts"),
        };
    }

    /// <summary>
    /// The expiry granted for a requested one (RFC 3261 10.3 step 6): 0 stays 0 (removal), the
    /// maximum caps it, and below the minimum it is raised, or refused when <see cref="RejectBelowMinExpires"/>.
    /// </summary>
    /// <returns>False when the request must be answered 423 Interval Too Brief.</returns>
    public bool TryGrant(long requested, out long granted)
    {
        granted = requested;
        if (requested == 0)
        {
            return true;
        }

        if (requested < MinExpires)
        {
            if (RejectBelowMinExpires)
            {
                return false;
            }

            granted = MinExpires;
        }

        if (MaxExpires > 0 && granted > MaxExpires)
        {
            granted = MaxExpires;
        }

        return true;
    }
}
