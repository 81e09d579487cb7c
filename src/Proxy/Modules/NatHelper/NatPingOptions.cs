namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>The keepalive settings of nathelper (or of the SER mediaproxy module, which pings the same way).</summary>
public sealed record NatPingOptions
{
    /// <summary>Seconds between two pings of one binding; 0 switches pinging off (nathelper's default; the guide uses 30).</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>Ping only bindings saved with the NAT flag (mediaproxy always does; nathelper when ping_nated_only is 1).</summary>
    public bool NatedOnly { get; init; } = true;

    /// <summary>Send a SIP OPTIONS request instead of the 4-byte packet (nathelper's natping_method, e.g. "OPTIONS").</summary>
    public string? SipMethod { get; init; }

    public bool Enabled => Interval > TimeSpan.Zero;

    /// <summary>From a script's modparams: mediaproxy's natping_interval when that module is loaded with one, else nathelper's.</summary>
    public static NatPingOptions From(ModuleSettings? natHelper, ModuleSettings? mediaProxy)
    {
        if (mediaProxy is not null && mediaProxy.GetInteger("natping_interval") > 0)
        {
            return new NatPingOptions { Interval = TimeSpan.FromSeconds(mediaProxy.GetInteger("natping_interval")), NatedOnly = true };
        }

        if (natHelper is null)
        {
            return new NatPingOptions { Interval = TimeSpan.Zero };
        }

        var method = natHelper.GetText("natping_method");
        return new NatPingOptions
        {
            Interval = TimeSpan.FromSeconds(natHelper.GetInteger("natping_interval")),
            NatedOnly = natHelper.GetInteger("ping_nated_only") == 1,
            SipMethod = string.IsNullOrEmpty(method) ? null : method,
        };
    }
}
