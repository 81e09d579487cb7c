namespace NatEdge.Proxy.Transactions;

/// <summary>
/// Timer values of the transaction layer (RFC 3261 section 17 and Table 4 of its appendix A).
/// Only T1, T2, T4, Timer D and the two final-response timers are settings; the rest derive
/// from them as the RFC defines, and a timer that is zero on reliable transports is reported as zero.
/// </summary>
public sealed record SipTimers
{
    /// <summary>RTT estimate, 500 ms (RFC 3261 section 17.1.1.1).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on the retransmit interval of non-INVITE requests and INVITE responses, 4 s.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest time a message stays in the network, 5 s.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait for response retransmits after an INVITE failed: "> 32 s" for unreliable transports (Table 4).</summary>
    public TimeSpan TimerDUnreliable { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>
    /// fr_timer: how long a client transaction waits for a final answer before it gives up (408);
    /// used for Timer B of INVITE and Timer F of non-INVITE. Null means the RFC's 64*T1.
    /// </summary>
    public TimeSpan? FinalResponseTimeout { get; init; }

    /// <summary>
    /// fr_inv_timer, the proxy's Timer C (RFC 3261 section 16.6 step 11): how long an INVITE
    /// branch may ring. The RFC asks for more than 3 minutes, so the default is 181 s.
    /// </summary>
    public TimeSpan InviteFinalResponseTimeout { get; init; } = TimeSpan.FromSeconds(181);

    public static SipTimers Default { get; } = new();

    /// <summary>64*T1, the RFC's transaction timeout (Timers B, F, H, J, L, M).</summary>
    public TimeSpan TransactionTimeout => T1 * 64;

    public TimeSpan TimerA => T1;

    public TimeSpan TimerB => FinalResponseTimeout ?? TransactionTimeout;

    public TimeSpan TimerC => InviteFinalResponseTimeout;

    public TimeSpan TimerD(bool reliable) => reliable ? TimeSpan.Zero : TimerDUnreliable;

    public TimeSpan TimerE => T1;

    public TimeSpan TimerF => FinalResponseTimeout ?? TransactionTimeout;

    public TimeSpan TimerG => T1;

    public TimeSpan TimerH => TransactionTimeout;

    public TimeSpan TimerI(bool reliable) => reliable ? TimeSpan.Zero : T4;

    public TimeSpan TimerJ(bool reliable) => reliable ? TimeSpan.Zero : TransactionTimeout;

    public TimeSpan TimerK(bool reliable) => reliable ? TimeSpan.Zero : T4;

    /// <summary>RFC 6026: how long a server INVITE transaction stays Accepted after a 2xx.</summary>
    public TimeSpan TimerL => TransactionTimeout;

    /// <summary>RFC 6026: how long a client INVITE transaction stays Accepted after a 2xx.</summary>
    public TimeSpan TimerM => TransactionTimeout;

    /// <summary>Returns the first setting that breaks the RFC's ordering, or null when they are consistent.</summary>
    public string? Validate()
    {
        if (T1 <= TimeSpan.Zero)
        {
            return "T1 must be positive (RFC 3261 recommends 500 ms)";
        }

        if (T2 < T1)
        {
            return "T2 must not be shorter than T1 (RFC 3261 default 4 s)";
        }

        if (T4 <= TimeSpan.Zero)
        {
            return "T4 must be positive (RFC 3261 default 5 s)";
        }

        if (FinalResponseTimeout is { } fr && fr <= TimeSpan.Zero)
        {
            return "fr_timer must be positive";
        }

        if (InviteFinalResponseTimeout <= TimeSpan.Zero)
        {
            return "fr_inv_timer must be positive (RFC 3261 section 16.6 asks for more than 3 minutes)";
        }

        return null;
    }
}
