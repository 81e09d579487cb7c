using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// tm's timer parameters and the transaction timers they set. Names follow SER and Kamailio:
/// fr_timer (seconds, Timers B and F), fr_inv_timer (seconds, the proxy's Timer C),
/// wt_timer (seconds, T4: how long completed transactions linger), retr_timer1 and retr_timer2
/// (milliseconds, T1 and T2).
/// </summary>
public static class TmSettings
{
    /// <summary>64*T1 with the RFC's T1 (SER's own default was 30 s).</summary>
    public const long DefaultFinalResponseSeconds = 32;

    /// <summary>RFC 3261 16.6 step 11 asks for more than 3 minutes (SER's own default was 120 s).</summary>
    public const long DefaultInviteFinalResponseSeconds = 181;

    public static IReadOnlyList<ModuleParameter> Parameters { get; } =
    [
        ModuleParameter.Int("fr_timer", DefaultFinalResponseSeconds) with { Minimum = 1 },
        ModuleParameter.Int("fr_inv_timer", DefaultInviteFinalResponseSeconds) with { Minimum = 1 },
        ModuleParameter.Int("wt_timer", 5) with { Minimum = 1 },
        ModuleParameter.Int("retr_timer1", 500) with { Minimum = 1 },
        ModuleParameter.Int("retr_timer2", 4000) with { Minimum = 1 },
        ModuleParameter.Int("delete_timer", 2) with { Minimum = 1 },
        ModuleParameter.Switch("noisy_ctimer", 0),
        ModuleParameter.Switch("ruri_matching", 1),
        ModuleParameter.Switch("via1_matching", 1),
    ];

    /// <summary>The transaction timers a script's tm parameters ask for.</summary>
    public static SipTimers ToTimers(ModuleSettings settings) => new()
    {
        T1 = TimeSpan.FromMilliseconds(settings.GetInteger("retr_timer1")),
        T2 = TimeSpan.FromMilliseconds(settings.GetInteger("retr_timer2")),
        T4 = TimeSpan.FromSeconds(settings.GetInteger("wt_timer")),
        FinalResponseTimeout = TimeSpan.FromSeconds(settings.GetInteger("fr_timer")),
        InviteFinalResponseTimeout = TimeSpan.FromSeconds(settings.GetInteger("fr_inv_timer")),
    };
}
