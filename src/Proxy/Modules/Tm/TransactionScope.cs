using System.Runtime.CompilerServices;
using NatEdge.Proxy.Modules.Rr;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// What the tm and rr functions share while one request runs through the script: the armed reply
/// and failure routes, the next hop loose_route chose (SER's dst_uri), branches added besides the
/// Request-URI, the Record-Route entry, and where the request came from. A host keeps one per
/// script worker, attaches it to the worker's <see cref="RouteContext"/> once, and resets it for
/// each message; like the context, it belongs to one thread.
/// </summary>
public sealed class TransactionScope
{
    private static readonly ConditionalWeakTable<RouteContext, TransactionScope> Scopes = new();

    private readonly List<RelayTarget> _branches = [];

    public TransactionScope(StatefulProxy proxy, ITransactionScriptRunner? routes = null)
    {
        Proxy = proxy;
        Routes = routes;
    }

    public StatefulProxy Proxy { get; }

    public ITransactionScriptRunner? Routes { get; }

    /// <summary>The request being routed (for a failure route, the transaction's stored copy).</summary>
    public SipMessage Request { get; private set; } = null!;

    /// <summary>The way back to the previous hop, for the server transaction t_relay creates.</summary>
    public ITransactionChannel Upstream { get; private set; } = null!;

    /// <summary>The interface the request came in on, as record_route() writes it.</summary>
    public SipInterface Inbound { get; private set; }

    /// <summary>Set while a failure route runs: t_relay adds branches to this transaction.</summary>
    public ResponseContext? FailureContext { get; private set; }

    /// <summary>onreply_route armed by t_on_reply, 0 when none.</summary>
    public int ReplyRoute { get; set; }

    /// <summary>failure_route armed by t_on_failure, 0 when none.</summary>
    public int FailureRoute { get; set; }

    /// <summary>Where the request is sent instead of its Request-URI (loose_route's next hop).</summary>
    public byte[]? Destination { get; set; }

    /// <summary>Record-Route entry added by record_route() or record_route_preset().</summary>
    public IBranchHeaderWriter? RecordRoute { get; set; }

    /// <summary>Branches besides the Request-URI (lookup() with several contacts, append_branch).</summary>
    public IReadOnlyList<RelayTarget> Branches => _branches;

    public static void Attach(RouteContext context, TransactionScope scope) => Scopes.AddOrUpdate(context, scope);

    /// <summary>The scope of a route context, or null when the host runs without transactions.</summary>
    public static TransactionScope? Of(RouteContext context) => Scopes.TryGetValue(context, out var scope) ? scope : null;

    /// <summary>Starts routing a received request.</summary>
    public void Reset(SipMessage request, ITransactionChannel upstream, SipInterface inbound)
    {
        Request = request;
        Upstream = upstream;
        Inbound = inbound;
        FailureContext = null;
        Clear();
    }

    /// <summary>Starts a failure route of <paramref name="context"/>: the request is the one it forwarded.</summary>
    public void ResetForFailure(ResponseContext context)
    {
        Request = context.Request;
        Upstream = context.Server.Channel;
        FailureContext = context;
        Clear();
    }

    public void AddBranch(RelayTarget target) => _branches.Add(target);

    private void Clear()
    {
        ReplyRoute = 0;
        FailureRoute = 0;
        Destination = null;
        RecordRoute = null;
        _branches.Clear();
    }
}
