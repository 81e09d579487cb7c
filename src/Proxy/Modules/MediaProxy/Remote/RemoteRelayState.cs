namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>Whether a connected relay takes new sessions (mediaproxy-protocol.md section 2).</summary>
internal enum RemoteRelayState
{
    /// <summary>Connected, answering and pinging: may take new sessions.</summary>
    Active,
    /// <summary>Answered <c>halting</c>: keeps its sessions, takes no new ones.</summary>
    Halting,
    /// <summary>A request went unanswered, or its pings stopped; a ping makes it active again.</summary>
    TimedOut,
    /// <summary>The connection is gone.</summary>
    Disconnected,
}
