using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatEdge.Shared.Control;

namespace NatEdge.Benchmarks.Control;

/// <summary>
/// The control protocol's codec on the path of every SDP-carrying message: the proxy writes an
/// update request and reads the relay's one-line reply; the relay reads the request and writes
/// the reply. Buffers are reused as the socket loops reuse theirs.
/// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*ControlCodec*'`
/// </summary>
[MemoryDiagnoser]
public class ControlCodecBenchmark
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly ControlRequestReader _requestReader = new();
    private byte[] _requestBytes = [];
    private byte[] _replyBytes = [];
    private ControlRequest _request = null!;
    private ControlReply _reply = null!;

    [GlobalSetup]
    public void Setup()
    {
        _requestBytes = Encoding.ASCII.GetBytes(ControlSamples.UpdateRequest);
        _replyBytes = Encoding.ASCII.GetBytes(ControlSamples.UpdateReply);
        _request = ReadRequest();
        _reply = ReadReply();
        if (_reply.Kind != ControlReplyKind.Media)
        {
            throw new InvalidOperationException($"sample reply reads as {_reply.Kind}, not as media");
        }
    }

    [Benchmark(Description = "relay: read an update request")]
    public ControlRequest ReadRequest()
    {
        var buffer = new ReadOnlySequence<byte>(_requestBytes);
        return _requestReader.TryRead(ref buffer, out var request, out var error) == ControlReadResult.Request
            ? request!
            : throw new InvalidOperationException($"sample request does not read: {error}");
    }

    [Benchmark(Description = "proxy: write an update request")]
    public int WriteRequest()
    {
        _output.ResetWrittenCount();
        ControlRequestWriter.Write(_request, _output, writeEmptyHeaders: true);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "proxy: read the relay's reply")]
    public ControlReply ReadReply()
    {
        var buffer = new ReadOnlySequence<byte>(_replyBytes);
        return ControlReplyReader.TryRead(ref buffer, withSequence: false, out var reply)
            ? reply
            : throw new InvalidOperationException("sample reply does not read");
    }

    [Benchmark(Description = "relay: write the reply")]
    public int WriteReply()
    {
        _output.ResetWrittenCount();
        ControlReplyWriter.Write(_reply, _output);
        return _output.WrittenCount;
    }
}
