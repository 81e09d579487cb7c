namespace NatEdge.MediaRelay.Discovery;

/// <summary>One SRV record of a domain's SIP service (RFC 2782): the proxy's host name with its priority and weight.</summary>
internal readonly record struct SrvAnswer(string Target, ushort Priority, ushort Weight);
