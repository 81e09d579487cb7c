using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>onreply_route: runs for each reply before it is forwarded; false (drop) keeps a provisional or 2xx from going upstream.</summary>
public delegate bool ReplyHook(ResponseContext context, SipMessage reply);

/// <summary>
/// failure_route: runs when every branch ended negatively, before the best answer goes upstream.
/// It may fork anew with <see cref="ResponseContext.Fork"/> (serial forking) or re-arm itself.
/// </summary>
public delegate void FailureHook(ResponseContext context, int bestStatusCode);

/// <summary>The hooks armed by t_on_reply and t_on_failure for one relayed request, and the script flags it carries.</summary>
public sealed record RelayHooks(ReplyHook? OnReply = null, FailureHook? OnFailure = null)
{
    public static RelayHooks None { get; } = new();
}
