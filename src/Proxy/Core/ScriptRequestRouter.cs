using System.Net;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// Runs the compiled main route for each request. Each receive loop gets its own
/// <see cref="ScriptWorker"/> (route context, message view, reply buffer) on its first message
/// and keeps it in its <see cref="ReceiveLoopState"/>: a loop routes one message at a time, so
/// routing takes no lock and allocates nothing per message for the script's state.
/// A request the script neither answers nor relays stays unanswered, as in SER.
/// </summary>
public sealed class ScriptRequestRouter : IRequestRouter
{
    private readonly CompiledScript _script;
    private readonly StatelessReplier _replier;
    private readonly IScriptLog _log;

    public ScriptRequestRouter(CompiledScript script, StatelessReplier replier, IScriptLog log)
    {
        _script = script;
        _replier = replier;
        _log = log;
    }

    public ValueTask RouteAsync(SipMessage request, SipReceiveContext context, CancellationToken cancellationToken)
    {
        var loop = context.Loop.HandlerState as LoopWorker ?? CreateWorker(context.Loop);
        loop.Transport.Begin(context, cancellationToken);
        var received = new ReceiveInfo(context.Remote, context.Listener.LocalEndPoint, Protocol(context.Transport));
        var pending = loop.Worker.RouteRequestAsync(request, received);
        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitAsync(pending);

        static async ValueTask AwaitAsync(ValueTask<int> pending) => await pending.ConfigureAwait(false);
    }

    private LoopWorker CreateWorker(ReceiveLoopState state)
    {
        var transport = new LoopReplyTransport(_replier);
        var worker = new LoopWorker(new ScriptWorker(_script, transport, _log), transport);
        state.HandlerState = worker;
        return worker;
    }

    private static TransportProtocol Protocol(SipTransportKind kind) => kind == SipTransportKind.Tcp ? TransportProtocol.Tcp : TransportProtocol.Udp;

    private sealed record LoopWorker(ScriptWorker Worker, LoopReplyTransport Transport);

    /// <summary>
    /// The script's replies for the message its loop is routing: they leave the way the request
    /// came (its TCP connection, or its UDP socket towards received/rport).
    /// </summary>
    private sealed class LoopReplyTransport(StatelessReplier replier) : IReplyTransport
    {
        private SipReceiveContext _origin;
        private CancellationToken _cancellation;

        public void Begin(SipReceiveContext origin, CancellationToken cancellation)
        {
            _origin = origin;
            _cancellation = cancellation;
        }

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received)
        {
            var pending = replier.SendAsync(reply, request, _origin, _cancellation);
            return pending.IsCompletedSuccessfully ? new ValueTask<bool>(pending.Result == SendOutcome.Sent) : AwaitAsync(pending);

            static async ValueTask<bool> AwaitAsync(ValueTask<SendOutcome> pending) => await pending.ConfigureAwait(false) == SendOutcome.Sent;
        }
    }
}
