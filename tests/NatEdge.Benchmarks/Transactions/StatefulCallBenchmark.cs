using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transactions.Proxying;
using NatEdge.Shared.Timing;

namespace NatEdge.Benchmarks.Transactions;

/// <summary>
/// One INVITE transaction through the stateful proxy, without sockets: parse and relay the INVITE
/// (100 Trying sent, one branch), then parse and route the callee's 180 and 200, and finally let
/// the fake clock run past Timers L and M so every transaction is reclaimed. Reports time and
/// bytes per call; the table must be empty after each batch.
/// </summary>
[MemoryDiagnoser]
public class StatefulCallBenchmark : IDisposable
{
    private const int Calls = 256;

    private readonly FakeTimeProvider _clock = new();
    private byte[][] _invites = [];
    private byte[][] _ringing = [];
    private byte[][] _answers = [];
    private TimerWheel _wheel = null!;
    private StatefulProxy _proxy = null!;
    private readonly CountingChannel _channel = new();
    private readonly RelayTarget[] _target = [new("sip:1001@127.0.0.2:5060"u8.ToArray())];

    [GlobalSetup]
    public void Setup()
    {
        _wheel = new TimerWheel(_clock);
        _proxy = new StatefulProxy(SipTimers.Default, _wheel, new FixedResolver(_channel));
        _invites = new byte[Calls][];
        _ringing = new byte[Calls][];
        _answers = new byte[Calls][];
        for (var i = 0; i < Calls; i++)
        {
            _invites[i] = Encoding.ASCII.GetBytes(Invite(i));
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _wheel?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "INVITE relayed, 180 and 200 routed back, transactions reclaimed")]
    public int Call()
    {
        for (var i = 0; i < Calls; i++)
        {
            SipMessageParser.TryParse(_invites[i], out var invite, out _);
            _proxy.Relay(invite!, _channel, _target, null, 0, out _);
            // The callee's answers carry the branch the proxy chose: build them once from what it sent.
            _ringing[i] ??= Encoding.ASCII.GetBytes(Answer(_channel.Last, 180));
            _answers[i] ??= Encoding.ASCII.GetBytes(Answer(_channel.Last, 200));
            SipMessageParser.TryParse(_ringing[i], out var ringing, out _);
            _proxy.ReceiveResponse(ringing!);
            SipMessageParser.TryParse(_answers[i], out var answer, out _);
            _proxy.ReceiveResponse(answer!);
        }

        for (var step = 0; step < 33 * 10; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        if (_proxy.ServerTransactionCount != 0 || _proxy.ClientTransactionCount != 0)
        {
            throw new InvalidOperationException("transactions were not reclaimed");
        }

        return _channel.Count;
    }

    private static string Invite(int i) =>
        "INVITE sip:1001@proxy.test SIP/2.0\r\n"
        + $"Via: SIP/2.0/UDP 127.0.0.5:5070;branch=z9hG4bK{i:x8}\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:1000@proxy.test>;tag=caller\r\n"
        + "To: <sip:1001@proxy.test>\r\n"
        + $"Call-ID: {i:x8}@127.0.0.5\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:1000@127.0.0.5:5070>\r\n"
        + "Content-Length: 0\r\n\r\n";

    private static string Answer(string request, int code)
    {
        var builder = new StringBuilder($"SIP/2.0 {code} X\r\n");
        foreach (var line in request.Split("\r\n"))
        {
            if (line.StartsWith("Via:", StringComparison.Ordinal) || line.StartsWith("From:", StringComparison.Ordinal)
                || line.StartsWith("Call-ID:", StringComparison.Ordinal) || line.StartsWith("CSeq:", StringComparison.Ordinal))
            {
                builder.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.Ordinal))
            {
                builder.Append(line).Append(";tag=callee\r\n");
            }
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private sealed class CountingChannel : ITransactionChannel
    {
        private ReadOnlyMemory<byte> _last;

        public bool IsReliable => false;

        public int Count { get; private set; }

        public string Last => Encoding.ASCII.GetString(_last.Span);

        public bool Send(ReadOnlyMemory<byte> message)
        {
            _last = message;
            Count++;
            return true;
        }
    }

    private sealed class FixedResolver(ITransactionChannel channel) : INextHopResolver
    {
        private readonly NextHop _hop = new(channel, "UDP"u8.ToArray(), "127.0.0.1:5060"u8.ToArray());

        public RelayError TryResolve(ReadOnlySpan<byte> uri, out NextHop hop)
        {
            hop = _hop;
            return RelayError.None;
        }
    }
}
