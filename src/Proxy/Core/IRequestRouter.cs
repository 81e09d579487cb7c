using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Decides what happens to a request that passed the pipeline's checks: parsed, validated, its
/// top Via stamped with received/rport, within the size limit: <see cref="ScriptRequestRouter"/>
/// runs the route script on it. The request's bytes belong to the
/// receive loop: a router that keeps the request past the returned task must copy it.
/// </summary>
public interface IRequestRouter
{
    ValueTask RouteAsync(SipMessage request, SipReceiveContext context, CancellationToken cancellationToken);
}
