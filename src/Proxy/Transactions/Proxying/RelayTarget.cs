namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// One branch to fork to: the Request-URI it carries and, when the script set one (loose_route's
/// next hop, a contact's received address), the URI to send it to instead (SER's dst_uri).
/// </summary>
public readonly record struct RelayTarget(ReadOnlyMemory<byte> RequestUri, ReadOnlyMemory<byte> Destination = default)
{
    /// <summary>Where the request physically goes: the destination when set, else the Request-URI.</summary>
    public ReadOnlyMemory<byte> NextHopUri => Destination.IsEmpty ? RequestUri : Destination;
}
