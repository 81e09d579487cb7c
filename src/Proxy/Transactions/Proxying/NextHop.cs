namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// A resolved next hop: the channel a client transaction sends on, and the protocol token and
/// sent-by of the local socket, which go into the Via the proxy pushes (RFC 3261 section 18.2.1).
/// </summary>
public readonly record struct NextHop(ITransactionChannel Channel, ReadOnlyMemory<byte> ViaTransport, ReadOnlyMemory<byte> ViaSentBy);

/// <summary>
/// Turns a URI into a next hop: transport from its transport parameter, address from its host
/// and port (RFC 3263 without DNS beyond A/AAAA), reusing an open connection where there is one.
/// The transport layer implements it.
/// </summary>
public interface INextHopResolver
{
    RelayError TryResolve(ReadOnlySpan<byte> uri, out NextHop hop);
}
