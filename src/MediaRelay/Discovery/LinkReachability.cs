namespace NatEdge.MediaRelay.Discovery;

/// <summary>What a dispatcher link has shown so far about its dispatcher.</summary>
internal enum LinkReachability
{
    /// <summary>No attempt has finished yet.</summary>
    Unknown,
    /// <summary>The TLS link is up.</summary>
    Connected,
    /// <summary>The last attempt failed, or the link was lost and has not come back.</summary>
    Unreachable,
}
