using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// Runs the routes tm arms (onreply_route[N], failure_route[N]) for a transaction. The host
/// implements it with the script worker of the thread the reply or timer arrived on, and before
/// running a failure route attaches a <see cref="TransactionScope"/> whose
/// <see cref="TransactionScope.FailureContext"/> is <paramref name="context"/>, so t_relay forks anew.
/// </summary>
public interface ITransactionScriptRunner
{
    /// <summary>onreply_route[N]; false when the route dropped the reply.</summary>
    bool RunReplyRoute(int route, ResponseContext context, SipMessage reply);

    /// <summary>failure_route[N] on the transaction's request.</summary>
    void RunFailureRoute(int route, ResponseContext context);
}
