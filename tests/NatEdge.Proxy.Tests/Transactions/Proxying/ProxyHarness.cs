using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Tests.Transactions.Proxying;

/// <summary>
/// A stateful proxy on a fake clock with recording channels instead of sockets: one toward the
/// caller and one per downstream host, picked by the host of the next-hop URI.
/// </summary>
internal sealed class ProxyHarness : IDisposable
{
    /// <param name="reliable">Every channel is a stream (TCP): no retransmissions, Timers D, I, J and K zero.</param>
    public ProxyHarness(SipTimers? timers = null, bool reliable = false)
    {
        Clock = new FakeClock();
        Caller = new RecordingChannel(Clock, reliable);
        Resolver = new HostResolver(Clock) { Reliable = reliable };
        Proxy = new StatefulProxy(timers ?? SipTimers.Default, Clock.Wheel, Resolver);
    }

    public FakeClock Clock { get; }

    public RecordingChannel Caller { get; }

    public HostResolver Resolver { get; }

    public StatefulProxy Proxy { get; }

    public RecordingChannel Downstream(string host) => Resolver.Channel(host);

    public static SipMessage Parse(string text)
    {
        var status = SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error);
        status.ShouldBe(SipParseStatus.Ok, $"test message does not parse: {error}");
        return message!;
    }

    public static string Request(string method, string uri = "sip:1001@proxy.test", int cseq = 1, string branch = "z9hG4bKcaller1", string maxForwards = "Max-Forwards: 70\r\n", string toTag = "", string extra = "")
        => $"{method} {uri} SIP/2.0\r\n"
            + $"Via: SIP/2.0/UDP 127.0.0.5:5070;branch={branch}\r\n"
            + maxForwards
            + "From: <sip:1000@proxy.test>;tag=caller-tag\r\n"
            + $"To: <sip:1001@proxy.test>{(toTag.Length > 0 ? ";tag=" + toTag : "")}\r\n"
            + "Call-ID: call-1@127.0.0.5\r\n"
            + $"CSeq: {cseq} {method}\r\n"
            + extra
            + "Content-Length: 0\r\n\r\n";

    /// <summary>A response to a request a downstream element received: its Vias, Record-Routes (RFC 3261 12.1.1), From, To with a tag, Call-ID and CSeq.</summary>
    public static string Answer(string request, int code, string toTag = "callee-tag", string reason = "X")
    {
        var builder = new StringBuilder($"SIP/2.0 {code} {reason}\r\n");
        foreach (var line in request.Split("\r\n"))
        {
            if (line.StartsWith("Via:", StringComparison.Ordinal) || line.StartsWith("Record-Route:", StringComparison.Ordinal) || line.StartsWith("From:", StringComparison.Ordinal)
                || line.StartsWith("Call-ID:", StringComparison.Ordinal) || line.StartsWith("CSeq:", StringComparison.Ordinal))
            {
                builder.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.Ordinal))
            {
                builder.Append(line);
                if (code > 100 && !line.Contains(";tag=", StringComparison.Ordinal))
                {
                    builder.Append(";tag=").Append(toTag);
                }

                builder.Append("\r\n");
            }
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    public RelayResult Relay(string request, params string[] targets) => Relay(Parse(request), RelayHooks.None, targets);

    public RelayResult Relay(SipMessage request, RelayHooks hooks, params string[] targets)
    {
        var relayTargets = targets.Select(t => new RelayTarget(Encoding.ASCII.GetBytes(t))).ToArray();
        var result = Proxy.Relay(request, Caller, relayTargets, hooks, 0, out var error);
        LastError = error;
        return result;
    }

    public RelayError LastError { get; private set; }

    /// <summary>The callee at <paramref name="host"/> answers the <paramref name="index"/>th message it received.</summary>
    public ResponseResult Respond(string host, int index, int code, string toTag = "callee-tag")
        => Proxy.ReceiveResponse(Parse(Answer(Downstream(host).Sent[index].Message, code, toTag)));

    public void Dispose() => Clock.Dispose();

    public static string Line(string message, string prefix)
        => message.Split("\r\n").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? string.Empty;

    public static string[] Lines(string message, string prefix)
        => message.Split("\r\n").Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToArray();

    public static string StartLine(string message) => message[..message.IndexOf("\r\n", StringComparison.Ordinal)];
}

/// <summary>Resolves sip:user@host[:port] to a recording channel per host; "unknown.invalid" does not resolve.</summary>
internal sealed class HostResolver(FakeClock clock) : INextHopResolver
{
    private readonly Dictionary<string, RecordingChannel> _channels = new(StringComparer.Ordinal);

    public bool Reliable { get; set; }

    public RecordingChannel Channel(string host)
    {
        if (!_channels.TryGetValue(host, out var channel))
        {
            channel = new RecordingChannel(clock, Reliable);
            _channels[host] = channel;
        }

        return channel;
    }

    public RelayError TryResolve(ReadOnlySpan<byte> uri, out NextHop hop)
    {
        var text = Encoding.ASCII.GetString(uri);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var host = (at >= 0 ? text[(at + 1)..] : text["sip:".Length..]).Split(';')[0];
        if (host.StartsWith("unknown.invalid", StringComparison.Ordinal))
        {
            hop = default;
            return RelayError.Unresolvable;
        }

        hop = new NextHop(Channel(host), "UDP"u8.ToArray(), "127.0.0.1:5060"u8.ToArray());
        return RelayError.None;
    }
}
