using BenchmarkDotNet.Attributes;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Buffers;

namespace NatEdge.Benchmarks.Parsing;

/// <summary>
/// Parse: header index plus the values every request needs (top Via, From, To, CSeq, Call-ID).
/// Write: a proxied INVITE, with this proxy's Via pushed and a Record-Route inserted, into a reused
/// buffer with a reused splice list (as a receive loop would). Goal: under 1 us and one allocation
/// (the SipMessage) per parse.
/// </summary>
[MemoryDiagnoser]
public class SipParserBenchmarks
{
    private readonly byte[] _register = SipSamples.Register;
    private readonly byte[] _invite = SipSamples.InviteWithSdp;
    private readonly byte[] _output = new byte[4096];
    private readonly SpliceList _edits = new();

    [Benchmark]
    public int ParseRegister() => ParseAndRead(_register);

    [Benchmark]
    public int ParseInviteWithSdp() => ParseAndRead(_invite);

    [Benchmark]
    public int WriteProxiedInvite()
    {
        SipMessageParser.TryParse(_invite, out SipMessage? message, out _);
        message!.UseEdits(_edits);
        SipMessageWriter.PushVia(message, "SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bKnatedge0a1b2c3d4e"u8);
        SipMessageWriter.InsertRecordRoute(message, "<sip:203.0.113.1;lr;nat=yes>"u8);
        return SipMessageWriter.Write(message, _output);
    }

    private static int ParseAndRead(byte[] data)
    {
        SipMessageParser.TryParse(data, out SipMessage? message, out _);
        message!.TryGetTopVia(out SipVia via);
        message.TryGetFrom(out SipNameAddr from);
        message.TryGetTo(out SipNameAddr to);
        message.TryGetCSeq(out SipCSeq cseq);
        return via.Branch.Length + from.Tag.Length + to.Uri.Length + (int)cseq.Number + message.CallId.Length;
    }
}
