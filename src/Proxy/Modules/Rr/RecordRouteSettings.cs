namespace NatEdge.Proxy.Modules.Rr;

/// <summary>The rr module's parameters (route-script.md section 3), with SER's defaults.</summary>
public sealed record RecordRouteSettings
{
    /// <summary>enable_full_lr: write ";lr=on" instead of ";lr" for old parsers that choke on a bare lr (SER default 0).</summary>
    public bool FullLr { get; init; }

    /// <summary>append_fromtag: add ";ftag=" with the From tag, so later requests tell the direction (SER default 1).</summary>
    public bool AppendFromTag { get; init; } = true;

    /// <summary>enable_double_rr: two entries when the request leaves on another transport or interface (SER default 1).</summary>
    public bool DoubleRecordRoute { get; init; } = true;

    public static RecordRouteSettings Default { get; } = new();
}
