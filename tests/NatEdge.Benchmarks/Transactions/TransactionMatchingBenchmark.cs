using System.Text;
using BenchmarkDotNet.Attributes;
using NatEdge.Proxy.Transactions;

namespace NatEdge.Benchmarks.Transactions;

/// <summary>
/// The cost of matching a request to a server transaction (RFC 3261 section 17.2.3) in a table
/// holding <see cref="Live"/> transactions: build the key on the stack from the Via fields, then
/// look it up. Each invoke matches <see cref="Batch"/> requests; allocation per match must be zero.
/// </summary>
[MemoryDiagnoser]
public class TransactionMatchingBenchmark
{
    private const int Batch = 1024;

    private readonly TransactionTable<object> _table = new();
    private byte[][] _branches = [];
    private byte[][] _callIds = [];
    private readonly byte[] _host = "Client-7.Example.NET"u8.ToArray();
    private readonly byte[] _port = "5060"u8.ToArray();
    private readonly byte[] _invite = "INVITE"u8.ToArray();
    private readonly byte[] _ack = "ACK"u8.ToArray();
    private readonly byte[] _requestUri = "sip:1001@proxy.example.net;transport=udp"u8.ToArray();
    private readonly byte[] _fromTag = "a73kszlfl"u8.ToArray();
    private readonly byte[] _cseq = "314159"u8.ToArray();
    private readonly byte[] _topVia = "SIP/2.0/UDP 10.0.0.7:5060"u8.ToArray();

    [Params(10_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _branches = new byte[Live][];
        _callIds = new byte[Live][];
        var buffer = new byte[TransactionKey.StackLimit];
        for (var i = 0; i < Live; i++)
        {
            _branches[i] = Encoding.ASCII.GetBytes($"z9hG4bK{i:x8}.{i * 7919:x}");
            var written = TransactionKey.WriteRfc3261(buffer, _invite, _branches[i], _host, _port);
            _table.TryAdd(buffer[..written], _branches[i]);

            _callIds[i] = Encoding.ASCII.GetBytes($"{i:x8}-legacy@10.0.0.7");
            written = TransactionKey.WriteRfc2543(buffer, _invite, _requestUri, _fromTag, _callIds[i], _cseq, _topVia);
            _table.TryAdd(buffer[..written], _callIds[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "RFC 3261 branch: retransmitted INVITE found")]
    public int MatchRetransmission()
    {
        Span<byte> key = stackalloc byte[TransactionKey.StackLimit];
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            var written = TransactionKey.WriteRfc3261(key, _invite, _branches[i % _branches.Length], _host, _port);
            found += _table.TryGet(key[..written], out _) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "RFC 3261 branch: ACK matched to its INVITE")]
    public int MatchAck()
    {
        Span<byte> key = stackalloc byte[TransactionKey.StackLimit];
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            var written = TransactionKey.WriteRfc3261(key, _ack, _branches[(i * 31) % _branches.Length], _host, _port);
            found += _table.TryGet(key[..written], out _) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "RFC 3261 branch: new request, no match")]
    public int MissNewRequest()
    {
        Span<byte> key = stackalloc byte[TransactionKey.StackLimit];
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            var written = TransactionKey.WriteRfc3261(key, _invite, _branches[i % _branches.Length], _host, "5070"u8);
            found += _table.TryGet(key[..written], out _) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "RFC 2543 fallback: retransmitted INVITE found")]
    public int MatchLegacy()
    {
        Span<byte> key = stackalloc byte[TransactionKey.StackLimit];
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            var written = TransactionKey.WriteRfc2543(key, _invite, _requestUri, _fromTag, _callIds[i % _callIds.Length], _cseq, _topVia);
            found += _table.TryGet(key[..written], out _) ? 1 : 0;
        }

        return found;
    }
}
