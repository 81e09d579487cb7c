using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;

namespace NatEdge.Benchmarks.Sdp;

/// <summary>
/// What the mediaproxy module does to an INVITE's SDP once the relay answered: index the body,
/// turn the answer into splices (c= address, m= port, a=rtcp) and write the new body into a
/// reused buffer.
/// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*SdpRewrite*'`
/// </summary>
[MemoryDiagnoser]
public class SdpRewriteBenchmark
{
    private const string Offer =
        "v=0\r\n" +
        "o=carol 53655765 2353687637 IN IP4 10.0.0.7\r\n" +
        "s=-\r\n" +
        "c=IN IP4 10.0.0.7\r\n" +
        "t=0 0\r\n" +
        "m=audio 4000 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=rtcp:4001\r\n" +
        "a=sendrecv\r\n";

    private readonly List<SdpSplice> _splices = new(8);
    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private byte[] _body = [];
    private ControlReply _reply = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.ASCII.GetBytes(Offer);
        _reply = ControlReplyReader.Parse("198.51.100.1 40002", withSequence: false);
        if (IndexRewriteAndWrite() <= 0)
        {
            throw new InvalidOperationException("sample SDP was not rewritten");
        }
    }

    [Benchmark(Description = "index the SDP body")]
    public int Index() =>
        SdpIndex.TryParse(_body, out var index) == SdpParseError.None ? index!.Media.Count : throw new InvalidOperationException("sample SDP does not parse");

    [Benchmark(Description = "index, rewrite and write the new body")]
    public int IndexRewriteAndWrite()
    {
        if (SdpIndex.TryParse(_body, out var index) != SdpParseError.None)
        {
            throw new InvalidOperationException("sample SDP does not parse");
        }

        _splices.Clear();
        if (SdpRewriter.Rewrite(_body, index!, _reply, new SdpRewriteOptions(IsReply: false), _splices) != SdpRewriteResult.Rewritten)
        {
            return -1;
        }

        _output.ResetWrittenCount();
        SdpSplices.Apply(_body, _splices, _output);
        return _output.WrittenCount;
    }
}
