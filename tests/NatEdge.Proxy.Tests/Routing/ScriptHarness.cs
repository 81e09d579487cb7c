using System.Net;
using System.Text;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Tests.Sip;

namespace NatEdge.Proxy.Tests.Routing;

/// <summary>
/// Runs a compiled script on parsed messages through a <see cref="ScriptWorker"/>, as a
/// receive loop does; replies are built by the stateless reply sink and captured by a
/// transport that records what it would have sent.
/// </summary>
internal sealed class ScriptHarness
{
    private readonly RecordingTransport _transport = new();
    private readonly ScriptWorker _worker;

    public ScriptHarness(string script)
    {
        var result = ScriptLoader.LoadText(script, "test.cfg");
        result.Diagnostics.Render().ShouldBeEmpty();
        Script = result.Script!;
        Log = new RecordingLog();
        _worker = new ScriptWorker(Script, _transport, Log);
    }

    public CompiledScript Script { get; }

    public RouteContext Context => _worker.Context;

    public RecordingLog Log { get; }

    public IReadOnlyList<string> Replies => _transport.Replies;

    public SipMessage? Message { get; private set; }

    public static ReceiveInfo From(string sourceIp, int sourcePort = 5060, TransportProtocol protocol = TransportProtocol.Udp) =>
        ReceiveInfo.From(new IPEndPoint(IPAddress.Parse(sourceIp), sourcePort), new IPEndPoint(IPAddress.Loopback, 5060), protocol);

    /// <summary>Runs the main route on a request; returns the route's code.</summary>
    public int Request(string text, ReceiveInfo? received = null)
    {
        Message = SipText.Parse(text);
        var pending = _worker.RouteRequestAsync(Message, received ?? From("127.0.0.1"));
        return pending.IsCompletedSuccessfully ? pending.Result : throw new ShouldAssertException("the core functions complete synchronously");
    }

    /// <summary>Runs onreply_route[N] on a reply with the flags the request left; true when the reply is to be forwarded.</summary>
    public bool Reply(int route, string text, uint flags = 0)
    {
        Message = SipText.Parse(text);
        var pending = _worker.RouteReplyAsync(route, Message, From("127.0.0.1"), flags);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new ShouldAssertException("the core functions complete synchronously");
    }

    /// <summary>The message as it would be forwarded, with the script's edits applied.</summary>
    public string Forwarded() => Message!.Written();

    internal sealed class RecordingTransport : IReplyTransport
    {
        public List<string> Replies { get; } = [];

        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received)
        {
            Replies.Add(Encoding.UTF8.GetString(reply.Span));
            return new ValueTask<bool>(true);
        }
    }

    internal sealed class RecordingLog : IScriptLog
    {
        public List<(int Level, string Text)> Lines { get; } = [];

        public void Write(int level, string text) => Lines.Add((level, text));
    }
}
