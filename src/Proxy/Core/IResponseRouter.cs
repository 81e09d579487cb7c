using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Where a response that reached the proxy goes: the transaction layer matches it to the client
/// transaction of a request the proxy relayed and passes it upstream. Without a transaction
/// layer no request was relayed statefully, so no response can be ours and the pipeline drops it.
/// The response's bytes belong to the receive loop, as a request's do.
/// </summary>
public interface IResponseRouter
{
    ValueTask RouteResponseAsync(SipMessage response, SipReceiveContext context, CancellationToken cancellationToken);
}
