namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>What the choice of a relay for a new session looks at.</summary>
internal interface IRelayCandidate
{
    /// <summary>The relay's certificate subject, by which its calls are counted.</summary>
    string Name { get; }

    /// <summary>The relay's IP address as text, which a <c>media_relay</c> preference names.</summary>
    string RemoteAddress { get; }

    RemoteRelayState State { get; }

    /// <summary>The relay's share of new sessions (at least 1).</summary>
    int Weight { get; }
}
